"""The JSON report: the results model as it is, with its schema_version."""

from __future__ import annotations

from zendo._results import Report


def render_json(report: Report) -> str:
    """The report as indented JSON, ending in a newline."""
    return report.model_dump_json(indent=2) + "\n"
