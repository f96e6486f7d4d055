"""The `zendo` command: list, check, hint, progress, reset, update, watch, build, prepare,
and (in `_cli_instructor.py`) grade, merge, report, schedule, accessibility and
export-template.

Exit codes: 0 everything passed, 1 something failed, 2 usage or input error, 3 internal
fault (a broken grader or a grading process that could not run).
"""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path

import click

from zendo._cli_common import (
    EPILOG,
    EXIT_INTERNAL,
    InternalProblem,
    UsageProblem,
    finish,
    load_course_of,
)
from zendo._cli_instructor import (
    accessibility_command,
    export_template_command,
    grade,
    merge,
    report_command,
    schedule,
)
from zendo._errors import CourseError, InputError, SandboxError
from zendo._limits import Limits

logger = logging.getLogger(__name__)


@click.group(epilog=EPILOG)
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


@cli.command("list", epilog=EPILOG)
@click.pass_context
def list_command(context: click.Context) -> None:
    """List the lessons and their exercises, with points and time estimates."""
    course = load_course_of(context)
    click.echo(course.title)
    for lesson in course.lessons:
        click.echo(f"\n{lesson.stem}  {lesson.title}  ({lesson.data.minutes} min)")
        read = lesson.notebook_path(course.root, "notebooks").relative_to(course.root)
        if lesson.data.exercises:
            work = lesson.notebook_path(course.root, "exercises").relative_to(course.root)
            click.echo(f"  read {read.as_posix()}, work in {work.as_posix()}")
        else:
            click.echo(f"  read {read.as_posix()} (quizzes; graded exercises still to come)")
        for exercise in lesson.data.exercises:
            click.echo(
                f"  {exercise.id:<28} {exercise.title}  "
                f"[{exercise.points} pt, ~{exercise.minutes} min]"
            )


@cli.command(epilog=EPILOG)
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

    course = load_course_of(context)
    try:
        exercises = select_exercises(course, names, notebook)
        path = _shown(notebook or default_notebook(course, exercises))
        result = grade_notebook(course, path, exercises, Limits())
    except InputError as error:
        raise UsageProblem(str(error)) from None
    except (CourseError, SandboxError) as error:
        raise InternalProblem(str(error)) from None
    from zendo._state import record_verdict

    for exercise in result.exercises:
        record_verdict(
            course.root, exercise.id, exercise.status.value, exercise.points, exercise.max_points
        )
    finish(make_report(course, [result]), output_format)


@cli.command(epilog=EPILOG)
@click.argument("exercise_id")
@click.option("--level", type=click.IntRange(min=1), help="Show this level (default: the next).")
@click.pass_context
def hint(context: click.Context, exercise_id: str, level: int | None) -> None:
    """Show the next hint for an exercise; run it again for a more detailed one."""
    from zendo._state import next_hint_level, record_hint_level

    course = load_course_of(context)
    try:
        exercise = course.exercise(exercise_id)
    except InputError as error:
        raise UsageProblem(str(error)) from None
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


@cli.command(epilog=EPILOG)
@click.pass_context
def progress(context: click.Context) -> None:
    """Show your progress: exercises passed, points, hints seen, quizzes answered."""
    from zendo._progress import progress_report

    click.echo(progress_report(load_course_of(context))[0])


@cli.command(epilog=EPILOG)
@click.argument("exercise_id")
@click.option("--notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def reset(context: click.Context, exercise_id: str, notebook: Path | None) -> None:
    """Put an exercise cell back to its starter; your version is backed up first."""
    from zendo._grade import default_notebook
    from zendo._reset import reset_exercise

    course = load_course_of(context)
    try:
        path = notebook or default_notebook(course, [course.exercise(exercise_id)])
        backup = reset_exercise(course, exercise_id, path)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"Reset {exercise_id} in {path}.")
    click.echo(f"Your previous version is saved in {backup}.")
    click.echo("If the notebook is open, use File → Reload Notebook from Disk to see the change.")


@cli.command(epilog=EPILOG)
@click.pass_context
def update(context: click.Context) -> None:
    """Get the course's new version with git, keeping your answers (backed up first)."""
    from zendo._update import UpdateError, update_course

    course = load_course_of(context)
    try:
        result = update_course(course.root)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    except UpdateError as error:
        raise click.ClickException(str(error)) from None
    for line in result.describe(course.root):
        click.echo(line)


@cli.command(epilog=EPILOG)
@click.argument("names", nargs=-1)
@click.option("--notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--interval", type=click.FloatRange(min=0.1), default=0.5, show_default=True)
@click.pass_context
def watch(
    context: click.Context, names: tuple[str, ...], notebook: Path | None, interval: float
) -> None:
    """Check again each time the notebook is saved (Ctrl+C to stop)."""
    import time

    from zendo._forkserver import ForkServer
    from zendo._grade import default_notebook, grade_notebook, make_report, select_exercises
    from zendo._safe_text import model_for_terminal
    from zendo.render.terminal import render_terminal

    course = load_course_of(context)
    try:
        exercises = select_exercises(course, names, notebook)
        path = notebook or default_notebook(course, exercises)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"Watching {path}; save it to check again. Ctrl+C stops.")
    last_seen: float | None = None
    # Warm judges, as a notebook kernel keeps: each save's check forks a judge that has
    # its imports done and its sandbox booted, instead of starting Python afresh.
    server = ForkServer()
    try:
        while True:
            try:
                modified = path.stat().st_mtime
            except FileNotFoundError:
                modified = None
            if modified is not None and modified != last_seen:
                last_seen = modified
                try:
                    result = grade_notebook(course, path, exercises, Limits(), server)
                    report = model_for_terminal(make_report(course, [result]))
                    text = render_terminal(report, color=sys.stdout.isatty())
                except InputError as error:
                    text = f"{error}\n"
                click.echo(f"--- {time.strftime('%H:%M:%S')} ---")
                click.echo(text, nl=False)
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped watching.")
    finally:
        server.close()


@cli.command(epilog=EPILOG)
@click.argument("lessons", nargs=-1)
@click.option("--force", is_flag=True, help="Regenerate changed notebooks too (after a backup).")
@click.pass_context
def build(context: click.Context, lessons: tuple[str, ...], force: bool) -> None:
    """Generate exercises/ from solutions/ (all lessons, or those named), never losing work."""
    from zendo._build import build_exercises

    course = load_course_of(context)
    try:
        outcomes = build_exercises(course, force=force, lessons=lessons)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    except CourseError as error:
        raise InternalProblem(str(error)) from None
    for outcome in outcomes:
        click.echo(outcome.describe(course.root))


@cli.command(epilog=EPILOG)
@click.pass_context
def prepare(context: click.Context) -> None:
    """Write zendo's and the graders' bytecode and build mypy's caches for the lessons
    graded with mypy (once per machine; the set-up runs it), so that no first check
    waits for them."""
    from zendo._prepare import prepare_course, write_bytecode

    course = load_course_of(context)
    unwritten = write_bytecode(course)
    for folder in unwritten:
        click.echo(
            f"Could not write all the bytecode in {folder}: those modules compile as imported."
        )
    if not unwritten:
        click.echo("Bytecode of zendo and of the course's graders: written.")
    built = prepare_course(course)
    for libraries, seed in built.items():
        what = "the standard library and pydantic" + "".join(f", {name}" for name in libraries)
        if seed is None:
            click.echo(f"Could not build mypy's cache of {what}: checks build it as they go.")
        else:
            click.echo(f"mypy's cache of {what}: ready.")
    if not built:
        click.echo("No lesson of this course is graded with mypy: no mypy cache to build.")


for _command in (
    grade,
    merge,
    report_command,
    schedule,
    accessibility_command,
    export_template_command,
):
    cli.add_command(_command)


def _shown(path: Path) -> Path:
    """The path as the user would type it: relative to the current folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def main() -> None:
    """Entry point of the `zendo` console script."""
    try:
        _run()
    finally:
        # Every command ends here: what is left are long-lived objects (pydantic models,
        # the course). Frozen, the interpreter's collections at exit skip them: about 30 ms
        # of every command's end (`zendo grade`, `zendo check`), for nothing.
        gc.freeze()


def _run() -> None:
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
