"""The CSV gradebook: one row per learner and exercise, for spreadsheets and LMS imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from zendo._results import Report, SubmissionResult
from zendo._safe_text import for_spreadsheet

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

COLUMNS = [
    "learner",
    "submission",
    "exercise",
    "status",
    "points",
    "max_points",
    "hint_id",
    "message",
]


def render_csv(report: Report) -> str:
    """The report as CSV; a submission that could not be read gets one row with its message.

    Every text cell comes from someone: a learner names their folder and notebook, their
    code writes the messages. No cell may start a spreadsheet formula.
    """
    buffer = io.StringIO()
    write_csv(buffer, report.submissions)
    return buffer.getvalue()


def write_csv(stream: SupportsWrite[str], submissions: Iterable[SubmissionResult]) -> None:
    """Write the CSV of `render_csv`, submission by submission, to `stream`."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for submission in submissions:
        writer.writerows(csv_rows(submission))


def csv_rows(submission: SubmissionResult) -> list[list[str | int]]:
    """The rows of one submission: one per exercise, or one with its message if none."""
    rows: list[list[str | int]] = []
    if not submission.exercises:
        rows.append(
            [_safe(submission.learner), _safe(submission.source), "",
             _safe(submission.status.value), 0, submission.max_points, "",
             _safe(submission.message)]
        )  # fmt: skip
    for exercise in submission.exercises:
        problem = exercise.first_problem
        message = problem.message if problem else exercise.message
        if exercise.hidden_summary:  # counts only: a hidden check's content stays hidden
            message = "; ".join(part for part in (message, exercise.hidden_summary) if part)
        rows.append(
            [_safe(submission.learner), _safe(submission.source), _safe(exercise.id),
             _safe(exercise.status.value), f"{exercise.points:g}", exercise.max_points,
             _safe(problem.hint_id if problem and problem.hint_id else ""), _safe(message)]
        )  # fmt: skip
    return rows


def _safe(text: str) -> str:
    # A cell that starts with = + - @, a tab or a carriage return (after any spaces) is run
    # as a formula by spreadsheets: learner text must never become one (CSV injection).
    return for_spreadsheet(text)
