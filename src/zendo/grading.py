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

from typing import NoReturn

import pytest

from zendo._tools import Finding, ToolRun, run_mypy, run_ruff

__all__ = [
    "Finding",
    "LearnerFailure",
    "ToolRun",
    "exercise",
    "expect",
    "fail",
    "run_mypy",
    "run_ruff",
]


class LearnerFailure(AssertionError):  # noqa: N818 - a failed check, not an error
    """A check that failed, with a message written for the learner and a hint id."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def exercise(exercise_id: str, weight: int = 1) -> pytest.MarkDecorator:
    """Tie a grader test to one exercise; `weight` is its share of the exercise's points."""
    return pytest.mark.exercise(exercise_id, weight=weight)


def expect(condition: object, message: str, *, hint: str | None = None) -> None:
    """Fail the test with `message` and failure hint `hint` unless `condition` is true."""
    if not condition:
        raise LearnerFailure(message, hint)


def fail(message: str, *, hint: str | None = None) -> NoReturn:
    """Fail the test with `message` and failure hint `hint`."""
    raise LearnerFailure(message, hint)
