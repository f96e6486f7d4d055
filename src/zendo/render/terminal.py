"""Terminal output written for learners: a line per exercise, then what to do next."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import click

from zendo._results import ExerciseResult, Report, Status, SubmissionResult
from zendo.render._causes import causes_of

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

_MARKS = {
    Status.PASS: ("PASS", "green"),
    Status.FAIL: ("FAIL", "red"),
    Status.ERROR: ("ERROR", "magenta"),
    Status.TIMEOUT: ("TIMEOUT", "yellow"),
}
_WIDTH = 88


def render_terminal(report: Report, *, color: bool = False) -> str:
    """The report as learner-facing text; ANSI colours only when `color` is true."""
    blocks = [_render_submission(submission, color) for submission in report.submissions]
    return "\n\n".join(blocks) + "\n"


def _render_submission(submission: SubmissionResult, color: bool) -> str:
    lines = [f"{submission.source}"]
    if submission.message:
        lines.append(_wrap(submission.message, "  "))
    for exercise in submission.exercises:
        lines.extend(render_exercise_lines(exercise, color))
    passed = sum(e.status is Status.PASS for e in submission.exercises)
    total = len(submission.exercises)
    summary = (
        f"{passed} of {total} exercises passed, "
        f"{submission.points:g} of {submission.max_points} points."
    )
    if submission.status is Status.PASS:
        summary += " Well done!"
    lines.append(summary)
    return "\n".join(lines)


def render_exercise_lines(
    exercise: ExerciseResult, color: bool = False, *, more_help: str | None = None
) -> list[str]:
    """The lines that report one exercise to a learner.

    Each of the graders' notes is one line `Note: ...`, for a PASS too. The last line
    says where more help is: `zendo hint ID` in a terminal; the notebook passes its own
    `more_help` (its Next hint button).
    """
    label, colour = _MARKS[exercise.status]
    mark = click.style(f"{label:<7}", fg=colour, bold=True) if color else f"{label:<7}"
    lines = [
        f"  {mark} {exercise.id}: {exercise.title} ({exercise.points:g}/{exercise.max_points})"
    ]
    indent = "          "
    hidden = exercise.hidden_summary
    if hidden:  # how many hidden checks, and how many passed: never what they check
        lines.append(_wrap(hidden[:1].upper() + hidden[1:], indent))
    # How the checks ran (a part this machine could not run), a PASS included: one line
    # each, unwrapped, so a note reads and greps as the grader wrote it.
    lines.extend(f"{indent}Note: {note}" for note in exercise.notes)
    if exercise.status is Status.PASS:
        return lines
    # The first cause in full, the others counted: one thing to fix at a time.
    causes = causes_of(exercise)
    if causes:
        first = causes[0]
        lines.append(_wrap(first.heading, indent))
        if first.first.message:
            lines.append(_wrap(first.first.message, indent))
        if first.first.hint:
            lines.append(_wrap(f"Hint: {first.first.hint}", indent))
        if first.first.output:
            lines.append(_wrap("Your code printed: " + first.first.output.splitlines()[0], indent))
        others = sum(len(cause.tests) for cause in causes[1:])
        if others:
            checks = "check" if others == 1 else "checks"
            lines.append(
                f"{indent}({others} more {checks} did not pass for other reasons; "
                "fix this one first.)"
            )
    elif exercise.message:
        lines.append(_wrap(exercise.message, indent))
    lines.append(indent + (more_help or f"More help: zendo hint {exercise.id}"))
    return lines


def _wrap(text: str, indent: str) -> str:
    paragraphs = text.splitlines() or [""]
    return "\n".join(
        textwrap.fill(line, _WIDTH, initial_indent=indent, subsequent_indent=indent) or indent
        for line in paragraphs
    )


def render_batch_table(report: Report) -> str:
    """One line per submission: status, points, and what went wrong when it failed."""
    buffer = io.StringIO()
    write_batch_table(buffer, lambda: report.submissions)
    return buffer.getvalue()


def write_batch_table(
    stream: SupportsWrite[str], submissions: Callable[[], Iterable[SubmissionResult]]
) -> None:
    """Write the table of `render_batch_table` to `stream`, a line at a time.

    `submissions()` is read twice: once for the columns' widths, once for the lines.
    """
    header = ("submission", "status", "points", "first problem")
    widths = [len(cell) for cell in header[:3]]
    for submission in submissions():
        row = _table_row(submission)
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=False)]
    stream.write(_table_line(header, widths))
    passed = total = 0
    for submission in submissions():
        stream.write(_table_line(_table_row(submission), widths))
        passed += submission.status is Status.PASS
        total += 1
    stream.write(f"{passed} of {total} submissions passed everything.\n")


def _table_row(submission: SubmissionResult) -> tuple[str, str, str, str]:
    problem = submission.message.splitlines()[0] if submission.message else ""
    if not problem:
        failing = [e for e in submission.exercises if e.status is not Status.PASS]
        problem = f"{failing[0].id}: {failing[0].status.value}" if failing else ""
    points = f"{submission.points:g}/{submission.max_points}"
    return (submission.source, submission.status.value, points, problem[:60])


def _table_line(row: tuple[str, str, str, str], widths: list[int]) -> str:
    line = f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}"
    return line.rstrip() + "\n"
