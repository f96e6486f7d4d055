"""The `zendo` command: list, check, hint, grade and build.

Exit codes: 0 everything passed, 1 something failed, 2 usage or input error, 3 internal
fault (a broken grader or a grading process that could not run).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from zendo._course import Course, find_course_root, load_course
from zendo._errors import CourseError, InputError, SandboxError
from zendo._limits import Limits
from zendo._results import Report, Status, SubmissionResult

logger = logging.getLogger(__name__)

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
_EPILOG = "Exit codes: 0 all passed, 1 something failed, 2 usage or input error, 3 internal fault."


class _UsageProblem(click.ClickException):
    exit_code = EXIT_USAGE


class _InternalProblem(click.ClickException):
    exit_code = EXIT_INTERNAL


def _load(context: click.Context) -> Course:
    course_option: Path | None = context.obj.get("course")
    try:
        root = course_option.resolve() if course_option else find_course_root()
        return load_course(root)
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    except CourseError as error:
        raise _InternalProblem(f"The course itself is broken: {error}") from None


@click.group(epilog=_EPILOG)
@click.option(
    "--course",
    type=click.Path(file_okay=False, path_type=Path),
    help="The course folder (default: found from the current folder).",
)
@click.option("-v", "--verbose", count=True, help="Log what the engine does (-vv for more).")
@click.version_option(package_name="zendo")
@click.pass_context
def cli(context: click.Context, course: Path | None, verbose: int) -> None:
    """Zendo: check your exercises, get hints, grade notebooks, build the course."""
    if verbose:
        # Only the command line configures logging; the library never adds handlers.
        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            format="%(asctime)s %(levelname)s %(name)s %(message)s",
            stream=sys.stderr,
        )
    else:
        # The command owns its process: without -v, log records stay out of the learner's
        # terminal (Python's last-resort handler would print warnings raw).
        logging.getLogger().addHandler(logging.NullHandler())
    context.obj = {"course": course}


@cli.command("list", epilog=_EPILOG)
@click.pass_context
def list_command(context: click.Context) -> None:
    """List the lessons and their exercises, with points and time estimates."""
    course = _load(context)
    click.echo(course.title)
    for lesson in course.lessons:
        click.echo(f"\n{lesson.stem}  {lesson.title}  ({lesson.data.minutes} min)")
        for exercise in lesson.data.exercises:
            click.echo(
                f"  {exercise.id:<28} {exercise.title}  "
                f"[{exercise.points} pt, ~{exercise.minutes} min]"
            )


@cli.command(epilog=_EPILOG)
@click.argument("names", nargs=-1)
@click.option(
    "--notebook",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The notebook to check (default: the lesson's notebook in exercises/).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
)
@click.pass_context
def check(
    context: click.Context, names: tuple[str, ...], notebook: Path | None, output_format: str
) -> None:
    """Check exercises (money.split) or whole lessons (money) in your saved notebook."""
    from zendo._grade import default_notebook, grade_notebook, make_report, select_exercises

    course = _load(context)
    try:
        exercises = select_exercises(course, names, notebook)
        path = notebook or default_notebook(course, exercises)
        result = grade_notebook(course, path, exercises, Limits())
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    except (CourseError, SandboxError) as error:
        raise _InternalProblem(str(error)) from None
    from zendo._state import record_verdict

    for exercise in result.exercises:
        record_verdict(
            course.root, exercise.id, exercise.status.value, exercise.points, exercise.max_points
        )
    _finish(make_report(course, [result]), output_format)


@cli.command(epilog=_EPILOG)
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
    help="Keep a JSON gradebook here (and a .csv beside it), saved after every submission.",
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
    from zendo._batch import Shard, find_submissions, grade_batch, load_report
    from zendo._grade import make_report

    course = _load(context)
    try:
        if resume and gradebook is None:
            raise InputError("--resume continues a gradebook: give --gradebook PATH too.")
        submissions = find_submissions(paths, course)
        if shard:
            slice_ = Shard.parse(shard)
            submissions = [s for i, s in enumerate(submissions) if slice_.keeps(i)]
        done = {}
        if resume and gradebook is not None and gradebook.exists():
            done = {s.source: s for s in load_report(gradebook).submissions}
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    if not submissions:
        raise _UsageProblem(f"No notebooks to grade in {', '.join(map(str, paths))}.")

    def save(results: list[SubmissionResult]) -> None:
        if gradebook is not None:
            _write_gradebook(gradebook, make_report(course, results))

    def announce(finished: int, total: int, result: SubmissionResult) -> None:
        filled = round(20 * finished / total)
        bar = "#" * filled + "-" * (20 - filled)
        detail = (
            result.message.splitlines()[0]
            if result.message
            else (f"{result.points:g}/{result.max_points} points")
        )
        click.echo(
            f"[{bar}] {finished}/{total} {result.source}: {result.status.value}, {detail}",
            err=True,
        )

    try:
        results = grade_batch(
            course, submissions, jobs=jobs, limits=Limits(), done=done,
            on_result=announce, save=save,
        )  # fmt: skip
    except (CourseError, SandboxError) as error:
        raise _InternalProblem(str(error)) from None
    report = make_report(course, results)
    unreadable = any(s.status is Status.ERROR and not s.exercises for s in results)
    _finish(report, output_format, output, failed_code=EXIT_USAGE if unreadable else None)


def _write_gradebook(path: Path, report: Report) -> None:
    from zendo._files import write_text_atomically
    from zendo.render.csv import render_csv
    from zendo.render.json import render_json

    write_text_atomically(path, render_json(report))
    write_text_atomically(path.with_suffix(".csv"), render_csv(report))


@cli.command(epilog=_EPILOG)
@click.argument("gradebooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def merge(context: click.Context, gradebooks: tuple[Path, ...], output: Path) -> None:
    """Merge the JSON gradebooks of shards into one (and its .csv beside it)."""
    from zendo._batch import load_report, merge_reports

    try:
        merged = merge_reports([load_report(path) for path in gradebooks])
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    _write_gradebook(output, merged)
    click.echo(f"Merged {len(merged.submissions)} submissions into {output}.")


@cli.command(epilog=_EPILOG)
@click.argument("exercise_id")
@click.option("--level", type=click.IntRange(min=1), help="Show this level (default: the next).")
@click.pass_context
def hint(context: click.Context, exercise_id: str, level: int | None) -> None:
    """Show the next hint for an exercise; run it again for a more detailed one."""
    from zendo._state import next_hint_level, record_hint_level

    course = _load(context)
    try:
        exercise = course.exercise(exercise_id)
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    levels = exercise.hint_levels
    shown = level or next_hint_level(course.root, exercise.id)
    shown = min(shown, len(levels))
    record_hint_level(course.root, exercise.id, shown)
    click.echo(f"Hint {shown} of {len(levels)} for {exercise.id} ({exercise.title}):")
    click.echo(f"  {levels[shown - 1]}")
    if shown < len(levels):
        click.echo(f"Run `zendo hint {exercise.id}` again for the next hint.")
    else:
        click.echo("That was the last hint.")


@cli.command(epilog=_EPILOG)
@click.pass_context
def progress(context: click.Context) -> None:
    """Show your progress: exercises passed, points, hints seen, quizzes answered."""
    from zendo._progress import progress_report

    click.echo(progress_report(_load(context))[0])


@cli.command(epilog=_EPILOG)
@click.argument("exercise_id")
@click.option("--notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def reset(context: click.Context, exercise_id: str, notebook: Path | None) -> None:
    """Put an exercise cell back to its starter; your version is backed up first."""
    from zendo._grade import default_notebook
    from zendo._reset import reset_exercise

    course = _load(context)
    try:
        path = notebook or default_notebook(course, [course.exercise(exercise_id)])
        backup = reset_exercise(course, exercise_id, path)
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    click.echo(f"Reset {exercise_id} in {path}.")
    click.echo(f"Your previous version is saved in {backup}.")
    click.echo("If the notebook is open, use File → Reload Notebook from Disk to see the change.")


@cli.command(epilog=_EPILOG)
@click.argument("names", nargs=-1)
@click.option("--notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--interval", type=click.FloatRange(min=0.1), default=0.5, show_default=True)
@click.pass_context
def watch(
    context: click.Context, names: tuple[str, ...], notebook: Path | None, interval: float
) -> None:
    """Check again each time the notebook is saved (Ctrl+C to stop)."""
    import time

    from zendo._grade import default_notebook, grade_notebook, make_report, select_exercises
    from zendo.render.terminal import render_terminal

    course = _load(context)
    try:
        exercises = select_exercises(course, names, notebook)
        path = notebook or default_notebook(course, exercises)
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    click.echo(f"Watching {path}; save it to check again. Ctrl+C stops.")
    last_seen: float | None = None
    try:
        while True:
            try:
                modified = path.stat().st_mtime
            except FileNotFoundError:
                modified = None
            if modified is not None and modified != last_seen:
                last_seen = modified
                try:
                    result = grade_notebook(course, path, exercises, Limits())
                    text = render_terminal(make_report(course, [result]), color=sys.stdout.isatty())
                except InputError as error:
                    text = f"{error}\n"
                click.echo(f"--- {time.strftime('%H:%M:%S')} ---")
                click.echo(text, nl=False)
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped watching.")


@cli.command(epilog=_EPILOG)
@click.argument("lessons", nargs=-1)
@click.option("--force", is_flag=True, help="Regenerate changed notebooks too (after a backup).")
@click.pass_context
def build(context: click.Context, lessons: tuple[str, ...], force: bool) -> None:
    """Generate exercises/ from solutions/ (all lessons, or those named), never losing work."""
    from zendo._build import build_exercises

    course = _load(context)
    try:
        outcomes = build_exercises(course, force=force, lessons=lessons)
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    except CourseError as error:
        raise _InternalProblem(str(error)) from None
    for outcome in outcomes:
        click.echo(outcome.describe(course.root))


@cli.command("export-template", epilog=_EPILOG)
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.option("--repository", required=True, help="The trusted course repository, owner/name.")
@click.option("--version", "pinned", required=True, help="The course tag or commit to grade with.")
@click.pass_context
def export_template_command(
    context: click.Context, target: Path, repository: str, pinned: str
) -> None:
    """Export the learner's template repository: the course without solutions, plus CI."""
    from zendo._export import export_template

    course = _load(context)
    try:
        workflow = export_template(course, target, repository, pinned)
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    click.echo(f"Exported the learner template to {target} (no solutions).")
    click.echo(f"Its CI grades with {repository}@{pinned}: {workflow.relative_to(target)}.")


@cli.command("report", epilog=_EPILOG)
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
        course = _load(context)
    except _UsageProblem:
        if context.obj.get("course") is not None:
            raise
        # No course here: the report stands on the gradebook alone.
    from zendo._batch import load_report

    try:
        graded = load_report(gradebook)
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    data = gradebook.read_bytes()
    target = output or gradebook.with_suffix(".html")
    if target.resolve() == gradebook.resolve():
        raise _UsageProblem(f"The report would replace the gradebook {gradebook}: give --output.")
    source = f"{gradebook.name} (sha256 {hashlib.sha256(data).hexdigest()})"
    page = render_class_report(graded, course, source=source)
    try:
        write_text_atomically(target, page)
    except OSError as error:
        raise _UsageProblem(f"Cannot write {target}: {error.strerror or error}.") from None
    click.echo(f"Wrote the class report of {len(graded.submissions)} submissions to {target}.")


@cli.command(epilog=_EPILOG)
@click.argument("lessons", nargs=-1)
@click.option("--start", default="09:00", show_default=True, help="When the day starts (HH:MM).")
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
    start: str,
    break_every: int,
    break_minutes: int,
    output_format: str,
) -> None:
    """Print a workshop schedule from the lessons' time estimates (all, or those named)."""
    from zendo._schedule import (
        build_schedule,
        parse_clock_time,
        render_schedule_markdown,
        render_schedule_text,
    )

    course = _load(context)
    try:
        items = build_schedule(
            course, parse_clock_time(start), break_every, break_minutes, lessons or None
        )
    except InputError as error:
        raise _UsageProblem(str(error)) from None
    render = render_schedule_markdown if output_format == "markdown" else render_schedule_text
    click.echo(render(items), nl=False)


def _finish(
    report: Report,
    output_format: str,
    output: Path | None = None,
    failed_code: int | None = None,
) -> None:
    from zendo.render.csv import render_csv
    from zendo.render.json import render_json
    from zendo.render.junit import render_junit
    from zendo.render.terminal import render_batch_table, render_terminal

    if output_format == "json":
        text = render_json(report)
    elif output_format == "junit":
        text = render_junit(report)
    elif output_format == "csv":
        text = render_csv(report)
    elif output_format == "table":
        text = render_batch_table(report)
    else:
        text = render_terminal(report, color=output is None and sys.stdout.isatty())
    if output is not None:
        from zendo._files import write_text_atomically

        write_text_atomically(output, text)
    else:
        click.echo(text, nl=False)
    if report.all_passed:
        sys.exit(EXIT_PASSED)
    sys.exit(failed_code or EXIT_FAILED)


def main() -> None:
    """Entry point of the `zendo` console script."""
    try:
        cli(prog_name="zendo")
    except Exception as error:
        # A fault of the engine itself: one line for the user, the details in the log.
        logger.exception("Internal fault")
        click.echo(
            f"Error: internal fault in zendo ({type(error).__name__}: {error}). "
            "Run again with -v to see the details, and report it.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
