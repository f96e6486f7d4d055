"""The instructor's commands: grade, merge, report, schedule, accessibility, export-template.

Registered on the `zendo` group in `cli.py`; they share its exit codes and error types.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from zendo._cli_common import (
    EPILOG,
    EXIT_FAILED,
    EXIT_PASSED,
    InternalProblem,
    UsageProblem,
    load_course_of,
    write_gradebook,
)
from zendo._course import Course
from zendo._errors import CourseError, InputError, SandboxError
from zendo._limits import Limits
from zendo._results import SubmissionResult

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from zendo._journal import Journal


@click.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "junit", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here.")
@click.option(
    "--gradebook",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep a JSON gradebook here (and a .csv beside it), saved as the batch goes.",
)
@click.option("--resume", is_flag=True, help="Continue --gradebook: skip unchanged, graded work.")
@click.option("--shard", help="Grade slice i of N of the sorted submissions, like 2/4.")
@click.pass_context
def grade(
    context: click.Context,
    paths: tuple[Path, ...],
    jobs: int,
    output_format: str,
    output: Path | None,
    gradebook: Path | None,
    resume: bool,
    shard: str | None,
) -> None:
    """Grade submissions (notebooks, folders of them, learners' course copies) in parallel.

    Graders always come from the course given with --course (or found from the current
    folder), never from the submissions.
    """
    from zendo._batch import discard_early_worker, start_worker_early

    # The first worker's judge imports pytest and hypothesis while the course is read;
    # one no worker took is stopped when the command ends, however it ends.
    start_worker_early()
    context.call_on_close(discard_early_worker)
    from zendo._batch import Shard, check_resumable, find_submissions, grade_each, split_unchanged
    from zendo._grade import make_report
    from zendo._journal import Journal, journal_path, load_previous, write_gradebook_from
    from zendo._safe_text import for_terminal

    course = load_course_of(context)
    absent = [
        lesson.slug
        for lesson in course.lessons
        if any(e.hidden_checks for e in lesson.data.exercises)
        and not lesson.hidden_grader_files(course.root)
    ]
    if absent:  # a template or the learner's CI: feedback, but no authoritative grade
        click.echo(
            f"Warning: lessons {', '.join(absent)} declare hidden checks, but this copy of "
            "the course has no hidden/ grader tests for them, so they do not run (the "
            "results say so). For grades, grade with the full course.",
            err=True,
        )
    head = make_report(course, [])
    previous = None
    try:
        if resume and gradebook is None:
            raise InputError("--resume continues a gradebook: give --gradebook PATH too.")
        submissions = find_submissions(paths, course)
        if shard:
            slice_ = Shard.parse(shard)
            submissions = [s for i, s in enumerate(submissions) if slice_.keeps(i)]
        if resume and gradebook is not None:
            previous = load_previous(gradebook)  # its journal if the batch did not finish
            if previous is not None:
                check_resumable(previous.head, head, previous.path)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    if not submissions:
        raise UsageProblem(f"No notebooks to grade in {', '.join(map(str, paths))}.")

    def announce(finished: int, total: int, result: SubmissionResult) -> None:
        journal.add(result)  # on disk before anything else: a kill now loses nothing
        filled = round(20 * finished / total)
        bar = "#" * filled + "-" * (20 - filled)
        detail = (
            result.message.splitlines()[0]
            if result.message
            else (f"{result.points:g}/{result.max_points} points")
        )
        line = f"[{bar}] {finished}/{total} {result.source}: {result.status.value}, {detail}"
        click.echo(for_terminal(line), err=True)  # names and messages are anyone's text

    with contextlib.ExitStack() as stack:
        if gradebook is None:  # the results still go to a file, not to memory
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="zendo-")))
            journal = stack.enter_context(Journal(scratch / "batch.journal.jsonl", head))
        else:
            journal = stack.enter_context(Journal(journal_path(gradebook), head))
        kept, pending = split_unchanged(submissions, previous.digests if previous else {})
        if previous is not None:
            for submission in kept:
                journal.add(previous.result(submission.key))
            previous.close()  # before its journal is replaced: Windows renames no open file
        journal.commit()  # replaces an earlier journal only now that its results are in
        try:
            grade_each(
                course, pending, jobs=jobs, limits=Limits(), on_result=announce,
                finished=len(kept), total=len(submissions),
            )  # fmt: skip
        except (CourseError, SandboxError) as error:
            raise InternalProblem(str(error)) from None
        finally:  # the results so far, also when the batch stops early
            if gradebook is not None:
                write_gradebook_from(gradebook, journal)
        write_batch_output(journal, output_format, output)
        if gradebook is not None:
            journal.remove()  # the gradebook now holds everything (see zendo._journal)
        # Whatever a submission is or does, it is that learner's result: a batch that ran
        # exits 0 or 1 by the grades, never 2 or 3 because of one learner's file.
        passed = journal.all_passed
    sys.exit(EXIT_PASSED if passed else EXIT_FAILED)


def write_batch_output(journal: Journal, output_format: str, output: Path | None) -> None:
    """Write a batch's results in `output_format` to `output` (atomically) or standard
    output, a submission at a time: the same text `finish` prints for the whole report."""
    from zendo._files import open_atomically

    if output is not None:
        with open_atomically(output) as file:
            _write_format(file, journal, output_format, terminal=False)
    else:
        _write_format(_Echo(), journal, output_format, terminal=True)


def _write_format(
    stream: SupportsWrite[str], journal: Journal, output_format: str, *, terminal: bool
) -> None:
    # Each renderer imported only when asked for (XML's alone is about 7 ms of every batch).
    from zendo._safe_text import for_terminal, model_for_terminal

    if output_format == "json":
        from zendo.render.json import write_json

        # On a terminal, JSON in ASCII: every other character as a \u escape, same data.
        write_json(stream, journal.head, journal.results(), ascii_only=terminal)
    elif output_format == "junit":
        from zendo.render.junit import write_junit

        write_junit(
            stream, journal.head, journal.results(), each=for_terminal if terminal else None
        )
    elif output_format == "csv":
        from zendo.render.csv import write_csv

        write_csv(_Filtered(stream, for_terminal) if terminal else stream, journal.results())
    else:
        from zendo.render.terminal import write_batch_table

        write_batch_table(stream, lambda: map(model_for_terminal, journal.results()))


class _Echo:
    """Standard output as a stream, through click (which copes with any terminal)."""

    def write(self, text: str, /) -> int:
        click.echo(text, nl=False)
        return len(text)


class _Filtered:
    """A stream that changes each piece of text before writing it to another."""

    def __init__(self, stream: SupportsWrite[str], change: Callable[[str], str]) -> None:
        self._stream, self._change = stream, change

    def write(self, text: str, /) -> int:
        self._stream.write(self._change(text))
        return len(text)


@click.command(epilog=EPILOG)
@click.argument("gradebooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def merge(context: click.Context, gradebooks: tuple[Path, ...], output: Path) -> None:
    """Merge the JSON gradebooks of shards into one (and its .csv beside it)."""
    from zendo._batch import load_report, merge_reports

    try:
        merged = merge_reports([load_report(path) for path in gradebooks])
    except InputError as error:
        raise UsageProblem(str(error)) from None
    write_gradebook(output, merged)
    click.echo(f"Merged {len(merged.submissions)} submissions into {output}.")


@click.command("export-template", epilog=EPILOG)
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--repository", required=True, help="The trusted course repository, owner/name.")
@click.option("--version", "pinned", required=True, help="The course tag or commit to grade with.")
@click.pass_context
def export_template_command(
    context: click.Context, target: Path, repository: str, pinned: str
) -> None:
    """Export the learner's template repository: the course without solutions, plus CI."""
    from zendo._export import export_template

    course = load_course_of(context)
    try:
        workflow = export_template(course, target, repository, pinned)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"Exported the learner template to {target} (no solutions).")
    click.echo(
        f"Its CI checks learners' work with {repository}@{pinned} as feedback, not grades: "
        f"{workflow.relative_to(target)}."
    )


@click.command("report", epilog=EPILOG)
@click.argument("gradebook", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the HTML (default: the gradebook's name with .html).",
)
@click.pass_context
def report_command(context: click.Context, gradebook: Path, output: Path | None) -> None:
    """Write the class report for a JSON gradebook: one HTML page with charts, no scripts.

    Exit 0 once the page is written, whatever the grades; 2 when the gradebook is missing
    or not a Zendo JSON report.
    """
    import hashlib

    from zendo._files import write_text_atomically
    from zendo.render.class_report import render_class_report

    course: Course | None = None
    try:
        course = load_course_of(context)
    except UsageProblem:
        if context.obj.get("course") is not None:
            raise
        # No course here: the report stands on the gradebook alone.
    from zendo._batch import load_report

    try:
        graded = load_report(gradebook)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    data = gradebook.read_bytes()
    target = output or gradebook.with_suffix(".html")
    if target.resolve() == gradebook.resolve():
        raise UsageProblem(f"The report would replace the gradebook {gradebook}: give --output.")
    source = f"{gradebook.name} (sha256 {hashlib.sha256(data).hexdigest()})"
    page = render_class_report(graded, course, source=source)
    try:
        write_text_atomically(target, page)
    except OSError as error:
        raise UsageProblem(f"Cannot write {target}: {error.strerror or error}.") from None
    click.echo(f"Wrote the class report of {len(graded.submissions)} submissions to {target}.")


@click.command(epilog=EPILOG)
@click.argument("lessons", nargs=-1)
@click.option(
    "--days",
    type=click.IntRange(min=1, max=5),
    default=1,
    show_default=True,
    help="Spread the lessons over this many days; what does not fit is listed.",
)
@click.option("--start", default="09:00", show_default=True, help="When each day starts (HH:MM).")
@click.option(
    "--end", default="17:00", show_default=True, help="When each day must end by (HH:MM)."
)
@click.option(
    "--lunch",
    default="12:00",
    show_default=True,
    help="Lunch is the first pause between lessons from 30 minutes before this time (HH:MM).",
)
@click.option(
    "--lunch-minutes",
    type=click.IntRange(min=0),
    default=60,
    show_default=True,
    help="How long lunch lasts (0: no lunch).",
)
@click.option(
    "--break-every",
    type=click.IntRange(min=1),
    default=90,
    show_default=True,
    help="Break after a lesson once this many minutes have run since the last break.",
)
@click.option(
    "--break-minutes",
    type=click.IntRange(min=0),
    default=15,
    show_default=True,
    help="How long each break lasts (0: no breaks).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
)
@click.pass_context
def schedule(
    context: click.Context,
    lessons: tuple[str, ...],
    days: int,
    start: str,
    end: str,
    lunch: str,
    lunch_minutes: int,
    break_every: int,
    break_minutes: int,
    output_format: str,
) -> None:
    """Plan a one-day or several-day workshop from the lessons' time estimates.

    All lessons, or those named, run in course order; each day ends by --end, with
    breaks and a lunch, and lessons that fit in no day are listed, never dropped.
    """
    from zendo._schedule import (
        parse_clock_time,
        plan_workshop,
        render_workshop_markdown,
        render_workshop_text,
    )

    course = load_course_of(context)
    try:
        plan = plan_workshop(
            course,
            parse_clock_time(start),
            days=days,
            day_end=parse_clock_time(end, "end time"),
            break_every_minutes=break_every,
            break_minutes=break_minutes,
            lunch_after=parse_clock_time(lunch, "lunch time"),
            lunch_minutes=lunch_minutes,
            lessons=lessons or None,
        )
    except InputError as error:
        raise UsageProblem(str(error)) from None
    render = render_workshop_markdown if output_format == "markdown" else render_workshop_text
    click.echo(render(plan), nl=False)


@click.command("accessibility", epilog=EPILOG)
@click.argument("notebooks", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def accessibility_command(context: click.Context, notebooks: tuple[Path, ...]) -> None:
    """Check notebooks for alt text, heading order and link text.

    With no NOTEBOOKS, checks every notebook of the course's notebooks/, exercises/ and
    solutions/. Exits 1 when there is a finding, each printed with its cell and fix.
    """
    from zendo._accessibility import check_notebook

    if notebooks:
        paths = list(notebooks)
    else:
        root = load_course_of(context).root
        folders = ("notebooks", "exercises", "solutions")
        paths = sorted(path for folder in folders for path in (root / folder).glob("*.ipynb"))
    findings = []
    for path in paths:
        try:
            findings.extend(check_notebook(path))
        except InputError as error:
            raise UsageProblem(str(error)) from None
    for finding in findings:
        click.echo(finding.describe())
    checked = f"{len(paths)} notebook{'s' if len(paths) != 1 else ''}"
    if findings:
        click.echo(f"{len(findings)} accessibility finding(s) in {checked}.")
        context.exit(EXIT_FAILED)
    click.echo(f"No accessibility findings in {checked}.")
