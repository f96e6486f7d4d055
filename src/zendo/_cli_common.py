"""What the `zendo` commands share: exit codes, error types, loading the course, output."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from zendo._course import Course, find_course_root, load_course
from zendo._errors import CourseError, InputError
from zendo._results import Report
from zendo._safe_text import for_terminal, model_for_terminal

logger = logging.getLogger(__name__)

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EPILOG = "Exit codes: 0 all passed, 1 something failed, 2 usage or input error, 3 internal fault."


class UsageProblem(click.ClickException):
    exit_code = EXIT_USAGE

    def format_message(self) -> str:
        # Messages name files, and file names are anyone's text: print no escape codes.
        return for_terminal(self.message)


class InternalProblem(click.ClickException):
    exit_code = EXIT_INTERNAL

    def format_message(self) -> str:
        return for_terminal(self.message)


def load_course_of(context: click.Context) -> Course:
    """The course of `--course`, or the one found from the current folder; exit 2 or 3."""
    course_option: Path | None = context.obj.get("course")
    try:
        root = course_option.resolve() if course_option else find_course_root()
        return load_course(root)
    except InputError as error:
        raise UsageProblem(str(error)) from None
    except CourseError as error:
        raise InternalProblem(f"The course itself is broken: {error}") from None


def finish(
    report: Report,
    output_format: str,
    output: Path | None = None,
    failed_code: int | None = None,
) -> None:
    """Print or write the report in its format, then exit: 0 if all passed, else 1 (or
    `failed_code`)."""
    from zendo.render.csv import render_csv
    from zendo.render.json import render_json, render_json_ascii
    from zendo.render.junit import render_junit
    from zendo.render.terminal import render_batch_table, render_terminal

    if output_format == "json":
        # On a terminal, JSON in ASCII: every other character as a \u escape, same data.
        text = render_json(report) if output else render_json_ascii(report)
    elif output_format == "junit":
        text = render_junit(report) if output else for_terminal(render_junit(report))
    elif output_format == "csv":
        text = render_csv(report) if output else for_terminal(render_csv(report))
    elif output_format == "table":
        text = render_batch_table(model_for_terminal(report))
    else:
        safe = model_for_terminal(report)
        text = render_terminal(safe, color=output is None and sys.stdout.isatty())
    if output is not None:
        from zendo._files import write_text_atomically

        write_text_atomically(output, text)
    else:
        click.echo(text, nl=False)
    if report.all_passed:
        sys.exit(EXIT_PASSED)
    sys.exit(failed_code or EXIT_FAILED)


def write_gradebook(path: Path, report: Report) -> None:
    """Write a JSON gradebook and its CSV twin, each atomically."""
    from zendo._files import write_text_atomically
    from zendo.render.csv import render_csv
    from zendo.render.json import render_json

    write_text_atomically(path, render_json(report))
    write_text_atomically(path.with_suffix(".csv"), render_csv(report))
