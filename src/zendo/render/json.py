"""The JSON report: the results model as it is, with its schema_version."""

from __future__ import annotations

import json

from zendo._results import Report


def render_json(report: Report) -> str:
    """The report as indented JSON, ending in a newline."""
    return report.model_dump_json(indent=2) + "\n"


def render_json_ascii(report: Report) -> str:
    """The same JSON with every non-ASCII character escaped (`\\u202e`): safe to print on
    a terminal, whatever learners wrote, and it parses to the same data."""
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=True) + "\n"
