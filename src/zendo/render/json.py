"""The JSON report: the results model as it is, with its schema_version."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from zendo._results import Report, SubmissionResult

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

_SUBMISSIONS = '"submissions": []'


def render_json(report: Report) -> str:
    """The report as indented JSON, ending in a newline."""
    return report.model_dump_json(indent=2) + "\n"


def render_json_ascii(report: Report) -> str:
    """The same JSON with every non-ASCII character escaped (`\\u202e`): safe to print on
    a terminal, whatever learners wrote, and it parses to the same data."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"


def write_json(
    stream: SupportsWrite[str],
    head: Report,
    submissions: Iterable[SubmissionResult],
    *,
    ascii_only: bool = False,
) -> None:
    """Write the report of `head` (its submissions aside) and `submissions`, one at a time.

    The bytes are those of `render_json` (or `render_json_ascii` with `ascii_only`) for
    the whole report: a class of any size is written without building it in memory.
    """
    outline = _dump(head.model_copy(update={"submissions": []}), ascii_only)
    opening, closing = outline.rsplit(_SUBMISSIONS, 1)  # submissions is the last field
    stream.write(opening + _SUBMISSIONS[:-1])
    separator = "\n"
    for submission in submissions:
        lines = _dump(submission, ascii_only).split("\n")  # strings hold no raw newline
        stream.write(separator + "\n".join("    " + line for line in lines))
        separator = ",\n"
    stream.write(("]" if separator == "\n" else "\n  ]") + closing + "\n")


def _dump(model: Report | SubmissionResult, ascii_only: bool) -> str:
    if ascii_only:
        return json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=True)
    return model.model_dump_json(indent=2)
