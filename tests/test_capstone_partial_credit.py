"""The capstone gives partial credit per principle, and the verdict names the one missing.

Issue 15: a learner whose service does everything but one thing must see every other
principle's points and the name of the missing one. Each known wrong answer of
capstone.payment_service lacks exactly one principle; graded as a learner's saved
notebook, it must lose exactly the points of the check for that principle. The first
test goes through the learner's own entry point, `zendo check`, in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, replace_cells
from tests.test_course import WRONG_ANSWERS, WrongAnswer, _grader_titles
from zendo._course import load_course
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._notebook import read_cells
from zendo._results import Status

EXERCISE_ID = "capstone.payment_service"
COURSE = load_course(REPO)
CAPSTONE_WRONG = [wrong for wrong in WRONG_ANSWERS if wrong.exercise_id == EXERCISE_ID]
RETRIES_TITLE = "Transient failures are retried with backoff"


def learner_notebook(wrong: WrongAnswer, folder: Path) -> Path:
    """The exercise notebook as a learner would save it, with this answer in its cell."""
    exercise = COURSE.exercise(EXERCISE_ID)
    starter = COURSE.lesson_of(exercise).notebook_path(REPO, "exercises")
    return replace_cells(starter, {EXERCISE_ID: wrong.source}, folder / "09_capstone.ipynb")


@pytest.mark.slow
def test_a_service_without_retries_loses_only_the_retry_points(tmp_path: Path) -> None:
    [wrong] = [w for w in CAPSTONE_WRONG if w.path.stem == "no_retries"]
    notebook = learner_notebook(wrong, tmp_path)
    command = [sys.executable, "-m", "zendo", "check", EXERCISE_ID, "--notebook", str(notebook)]
    as_json = subprocess.run(
        [*command, "--format", "json"], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert as_json.returncode == 1, as_json.stderr
    [submission] = json.loads(as_json.stdout)["submissions"]
    [result] = submission["exercises"]
    assert (result["points"], result["max_points"]) == (14.0, 16)
    failed = [test for test in result["tests"] if test["status"] != "pass"]
    assert [(test["title"], test["hint_id"]) for test in failed] == [
        (RETRIES_TITLE, "retry_transient")
    ]
    assert len(result["tests"]) == 8

    as_text = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert as_text.returncode == 1, as_text.stderr
    assert f"Did not pass: {RETRIES_TITLE}" in as_text.stdout
    assert "14 of 16 points" in as_text.stdout


@pytest.mark.slow
@pytest.mark.parametrize("wrong", CAPSTONE_WRONG, ids=[w.path.stem for w in CAPSTONE_WRONG])
def test_each_wrong_answer_loses_only_its_principles_points(
    wrong: WrongAnswer, tmp_path: Path
) -> None:
    exercise = COURSE.exercise(EXERCISE_ID)
    notebook = learner_notebook(wrong, tmp_path)
    [result] = grade_notebook(COURSE, notebook, [exercise], Limits()).exercises
    failed = [test for test in result.tests if test.status is not Status.PASS]
    assert [(test.name, test.status, test.hint_id) for test in failed] == [
        (wrong.caught_by, Status.FAIL, wrong.hint)
    ], [(test.name, test.message) for test in failed]
    share = exercise.points / len(result.tests)  # every capstone check has weight 1
    assert result.points == pytest.approx(exercise.points - share)


def test_the_lesson_lists_every_capstone_check_by_its_title() -> None:
    # Section 4 of the lesson tells learners which checks grade the capstone; the titles
    # there are the ones a verdict shows, so they must be the graders' own.
    lesson = COURSE.lesson_of(COURSE.exercise(EXERCISE_ID))
    [section] = [
        cell.source
        for cell in read_cells(lesson.notebook_path(REPO, "notebooks"))
        if cell.cell_type == "markdown" and cell.source.startswith("## 4. How the capstone")
    ]
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")]
    titles = [title for _, title in _grader_titles(lesson).values()]
    assert sorted(rows[1:]) == sorted(titles)
