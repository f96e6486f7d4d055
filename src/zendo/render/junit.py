"""JUnit XML, for CI systems that show test results: one test case per grader test."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from zendo._results import Report, Status
from zendo._safe_text import for_xml


def render_junit(report: Report) -> str:
    """The report as JUnit XML: a suite per exercise, points in properties."""
    root = ET.Element("testsuites", name=report.course)
    for submission in report.submissions:
        for exercise in submission.exercises:
            suite = ET.SubElement(
                root,
                "testsuite",
                name=f"{submission.source}::{exercise.id}",
                tests=str(max(len(exercise.tests), 1)),
                failures=str(sum(t.status is Status.FAIL for t in exercise.tests)),
                errors=str(sum(t.status in (Status.ERROR, Status.TIMEOUT) for t in exercise.tests)),
            )
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="points", value=f"{exercise.points:g}")
            ET.SubElement(properties, "property", name="max_points", value=str(exercise.max_points))
            ET.SubElement(
                properties, "property", name="schema_version", value=str(report.schema_version)
            )
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
    _make_legal(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _make_legal(root: ET.Element) -> None:
    """Write every character XML 1.0 cannot hold (control characters, lone surrogates,
    U+FFFE/U+FFFF) as a visible escape, in every attribute and text: learner output and
    exception messages may hold any of them, and one makes the whole file unreadable."""
    for element in root.iter():
        element.attrib = {name: for_xml(value) for name, value in element.attrib.items()}
        if element.text is not None:
            element.text = for_xml(element.text)
