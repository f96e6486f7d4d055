"""JUnit XML, for CI systems that show test results: one test case per grader test.

An exercise's notes (how its checks ran) are its suite's `<system-out>`, a line each.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from zendo._results import Report, Status, SubmissionResult
from zendo._safe_text import for_xml

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


def render_junit(report: Report) -> str:
    """The report as JUnit XML: a suite per exercise, points in properties."""
    root = ET.Element("testsuites", name=report.course)
    for submission in report.submissions:
        root.extend(_suites(submission, report.schema_version))
    _make_legal(root)
    ET.indent(root)
    return _DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(
    stream: SupportsWrite[str],
    head: Report,
    submissions: Iterable[SubmissionResult],
    *,
    each: Callable[[str], str] | None = None,
) -> None:
    """Write the XML of `render_junit` to `stream`, one submission's suites at a time.

    `each`, if given, changes every piece of text before it is written (for a terminal).
    """
    change = each or (lambda text: text)
    root = ET.Element("testsuites", name=head.course)
    _make_legal(root)
    empty = ET.tostring(root, encoding="unicode")  # <testsuites name="..." />
    stream.write(change(_DECLARATION))
    opened = False
    for submission in submissions:
        pieces = []
        for suite in _suites(submission, head.schema_version):
            _make_legal(suite)
            ET.indent(suite, level=1)  # as inside the whole document
            pieces.append("\n  " + ET.tostring(suite, encoding="unicode"))
        if pieces and not opened:
            stream.write(change(empty.removesuffix(" />") + ">"))
            opened = True
        stream.write(change("".join(pieces)))
    stream.write(change("\n</testsuites>\n" if opened else empty + "\n"))


def _suites(submission: SubmissionResult, schema_version: int) -> list[ET.Element]:
    """A test suite per exercise of one submission."""
    suites = []
    for exercise in submission.exercises:
        suite = ET.Element(
            "testsuite",
            name=f"{submission.source}::{exercise.id}",
            tests=str(max(len(exercise.tests), 1)),
            failures=str(sum(t.status is Status.FAIL for t in exercise.tests)),
            errors=str(sum(t.status in (Status.ERROR, Status.TIMEOUT) for t in exercise.tests)),
        )
        suites.append(suite)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="points", value=f"{exercise.points:g}")
        ET.SubElement(properties, "property", name="max_points", value=str(exercise.max_points))
        ET.SubElement(properties, "property", name="schema_version", value=str(schema_version))
        if exercise.hidden_summary:  # counts only: a hidden check's content stays hidden
            ET.SubElement(properties, "property", name="hidden", value=exercise.hidden_summary)
        tests = exercise.tests or []
        if not tests:
            case = ET.SubElement(suite, "testcase", classname=exercise.id, name="(exercise)")
            ET.SubElement(case, "error", message=exercise.message).text = exercise.message
        for test in tests:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=exercise.id,
                name=test.name,
                time=f"{test.duration_seconds:.3f}",
            )
            if test.status is Status.PASS:
                continue
            tag = "failure" if test.status is Status.FAIL else "error"
            # The same words as the terminal: the check's title, the message, the hint.
            body = f"Did not pass: {test.learner_title}\n{test.message}"
            body += f"\nHint: {test.hint}" if test.hint else ""
            element = ET.SubElement(case, tag, message=test.message, type=test.status.value)
            element.text = body
        if exercise.notes:  # how the checks ran: the terminal's lines, after the test cases
            lines = [f"Note: {note}" for note in exercise.notes]
            ET.SubElement(suite, "system-out").text = "\n".join(lines)
    return suites


def _make_legal(root: ET.Element) -> None:
    """Write every character XML 1.0 cannot hold (control characters, lone surrogates,
    U+FFFE/U+FFFF) as a visible escape, in every attribute and text: learner output and
    exception messages may hold any of them, and one makes the whole file unreadable."""
    for element in root.iter():
        element.attrib = {name: for_xml(value) for name, value in element.attrib.items()}
        if element.text is not None:
            element.text = for_xml(element.text)
