"""Every PII payload the logging graders send is shown to be stopped and to get through.

Issue 13: each attack payload in the graders must fail against the reference solution
and succeed against at least one known wrong answer. For the logging lesson the payloads
are the sentinel e-mail addresses and secrets the redaction and tracing graders log. For
each one, the reference solution is graded (the named test passes: the payload reached no
handler) and a known wrong answer is graded (the named test fails, and its message names
the payload: it reached a handler or a record). Both through the engine a learner uses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, replace_cells
from zendo._course import load_course
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._results import Status

COURSE = load_course(REPO)
WRONG = REPO / "tests" / "graders" / "wrong"

# (payload, exercise, grader test, the known wrong answer it gets through)
PAYLOADS = [
    ("alice.sentinel@example.com", "logging.redaction", "test_message_arguments_are_redacted",
     "cleans_the_template_only"),
    ("bob.sentinel@example.org", "logging.redaction", "test_child_records_are_redacted",
     "filter_on_logger"),
    ("pw-SENTINEL-123", "logging.redaction", "test_dict_arguments_are_redacted",
     "filter_on_logger"),
    ("tok_SENTINEL", "logging.redaction", "test_extra_fields_are_redacted",
     "ignores_extra_fields"),
    ("alice.sentinel@example.com", "logging.redaction", "test_exception_text_is_redacted",
     "keeps_exc_info"),
    ("alice.sentinel@example.com", "logging.traced_step", "test_arguments_are_not_logged",
     "logs_the_arguments"),
    ("pw-SENTINEL-123", "logging.traced_step", "test_arguments_are_not_logged",
     "logs_the_arguments"),
    ("tok_SENTINEL", "logging.traced_step", "test_arguments_are_not_logged",
     "logs_the_arguments"),
]  # fmt: skip


REFERENCE: dict[str, dict[str, tuple[Status, str]]] = {}  # graded once per exercise


def graded(exercise_id: str, source: str | None, tmp_path: Path) -> dict[str, tuple[Status, str]]:
    exercise = COURSE.exercise(exercise_id)
    notebook = COURSE.lesson_of(exercise).notebook_path(REPO, "solutions")
    if source is not None:
        notebook = replace_cells(notebook, {exercise_id: source}, tmp_path / "answer.ipynb")
    [result] = grade_notebook(COURSE, notebook, [exercise], Limits()).exercises
    return {test.name: (test.status, test.message or "") for test in result.tests}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("payload", "exercise_id", "test_name", "wrong"),
    PAYLOADS,
    ids=[f"{p[1]}/{p[2]}/{p[0]}" for p in PAYLOADS],
)
def test_payload_is_stopped_by_the_reference_and_gets_through_a_wrong_answer(
    payload: str, exercise_id: str, test_name: str, wrong: str, tmp_path: Path
) -> None:
    if exercise_id not in REFERENCE:
        REFERENCE[exercise_id] = graded(exercise_id, None, tmp_path)
    reference = REFERENCE[exercise_id]
    assert reference[test_name][0] is Status.PASS, reference[test_name]
    source = (WRONG / exercise_id / f"{wrong}.py").read_text(encoding="utf-8")
    status, message = graded(exercise_id, source, tmp_path)[test_name]
    assert status is Status.FAIL, (status, message)
    assert payload in message, message
