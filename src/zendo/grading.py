"""What graders use: tie a test to an exercise, fail with a learner message, run tools.

Graders (`tests/graders/test_NN_slug.py`) are plain pytest, run by the engine in a child
process. This module is imported there, never in a learner's kernel.

Usage:
    from zendo.grading import exercise, expect

    @exercise("money.split")
    def test_split_keeps_every_cent(submission):
        shares = submission.split(100, 3)
        expect(sum(shares) == 100, f"split(100, 3) returned {shares!r} ...", hint="lost_cent")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from zendo._tools import Finding, ToolRun, run_mypy, run_ruff

__all__ = [
    "MAX_SHOWN",
    "Finding",
    "LearnerFailure",
    "Outcome",
    "ToolRun",
    "attempt",
    "cell_source",
    "cell_start",
    "exercise",
    "expect",
    "fail",
    "run_mypy",
    "run_ruff",
    "show",
    "where_in_cell",
]

MAX_SHOWN = 160

# Where each exercise's cell sits in the learner's notebook, counted as JupyterLab shows
# cells (1-based, all cells); None where it is unknown (code from a kernel whose notebook
# file cannot be found). Set by the grading plugin before any test runs.
_cell_positions: dict[str, int | None] = {}


class LearnerFailure(AssertionError):  # noqa: N818 - a failed check, not an error
    """A check that failed, with a message written for the learner and a hint id."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def exercise(exercise_id: str, weight: int = 1, *, title: str = "") -> pytest.MarkDecorator:
    """Tie a grader test to one exercise.

    `weight` is its share of the exercise's points; `title` is what a learner reads for
    this check ("Shares add up to the total"), never the function's name. Every grader
    test has one (the course's tests enforce it).
    """
    return pytest.mark.exercise(exercise_id, weight=weight, title=title)


def expect(condition: object, message: str, *, hint: str | None = None) -> None:
    """Fail the test with `message` and failure hint `hint` unless `condition` is true."""
    if not condition:
        raise LearnerFailure(message, hint)


def fail(message: str, *, hint: str | None = None) -> NoReturn:
    """Fail the test with `message` and failure hint `hint`."""
    raise LearnerFailure(message, hint)


def show(value: object) -> str:
    """A short repr of a value for a learner message, cut with a visible `...`."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 4] + " ..."


@dataclass(frozen=True)
class Outcome:
    """What a call of learner code did: the value it returned, or the exception it raised."""

    value: object = None
    error: Exception | None = None

    def describe(self) -> str:
        """`returned [1, 2]`, or `raised ValueError: ...` (a pydantic error names its fields)."""
        if self.error is None:
            return f"returned {show(self.value)}"
        name = type(self.error).__name__
        errors = getattr(self.error, "errors", None)
        if callable(errors):  # a pydantic ValidationError: name the field and the rule
            found = errors()
            places = [".".join(str(part) for part in error["loc"]) or "the form" for error in found]
            listed = "; ".join(
                f"{place}: {error['msg']}" for place, error in zip(places, found, strict=True)
            )
            return f"raised {name} ({listed})"
        text = str(self.error).strip()
        return f"raised {name}: {text.splitlines()[0]}" if text else f"raised {name}"


def attempt(call: Callable[[], object]) -> Outcome:
    """Run learner code and record its outcome; NotImplementedError still means "not done"."""
    try:
        return Outcome(value=call())
    except NotImplementedError:
        raise
    except Exception as error:  # any learner exception is an outcome to judge
        return Outcome(error=error)


def cell_start(submission_path: Path, exercise_id: str) -> int:
    """The line of the submission file where the exercise cell (its marker line) starts.

    Tools report file lines; subtract this (and add one) to speak of cell lines.
    """
    lines = submission_path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip() == f"# exercise: {exercise_id}":
            return number
    return 1


def set_cell_positions(positions: dict[str, int | None]) -> None:
    """Record where each exercise's cell sits in the notebook (called by the plugin)."""
    _cell_positions.clear()
    _cell_positions.update(positions)


def describe_cell_line(exercise_id: str, position: int | None, line: int) -> str:
    """`line 3 of cell 5, your money.split cell`, or without the number when unknown.

    `position` counts cells as JupyterLab shows them; `line` counts lines of the cell.
    """
    cell = f"cell {position}, your {exercise_id} cell" if position else f"your {exercise_id} cell"
    return f"line {line} of {cell}"


def where_in_cell(submission_path: Path, exercise_id: str, file_line: int) -> str:
    """A line of the submission file, said as a learner finds it in the notebook.

    Tools (ruff, mypy) report lines of the file, which holds the set-up cells and then
    the exercise cell: `line 3 of cell 5, your money.split cell`, or `a '# setup' cell`.
    """
    start = cell_start(submission_path, exercise_id)
    if file_line < start:
        return "a '# setup' cell"
    return describe_cell_line(exercise_id, _cell_positions.get(exercise_id), file_line - start + 1)


def cell_source(submission_path: Path, exercise_id: str) -> str:
    """The exercise cell alone, from its marker line on, ending in exactly one newline.

    Trailing blank lines are dropped: a notebook cell has no final newline of its own, and
    a formatter's verdict must not depend on how the cell reached the grader.
    """
    lines = submission_path.read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[cell_start(submission_path, exercise_id) - 1 :]).rstrip() + "\n"
