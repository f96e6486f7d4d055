"""The benchmark's anchor course grades like nbgrader and otter-grader grade its assignment.

`benchmarks/anchor/` is the side-by-side benchmark's assignment (issue 12) as a Zendo
course, graded the v2 way (`grader_api = 2`: graders judge from a trusted process, the
learner's code runs in a sandbox). A speed ratio means nothing if Zendo grades something
else, so this proves, through `zendo grade` as an instructor runs it: the reference
passes every test, the good submission scores 6/6 as it does with the incumbents, the bad
one scores 2/6 (per test, as otter-grader shares points; nbgrader's one test cell per
question gives it 0/6), the untouched starter fails every exercise, and the hidden tests
count without showing what they test. A learner's self-check (`zendo check`) runs only
the public tests. Nothing here measures time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, replace_cells
from zendo._build import generated_text
from zendo._course import load_course

ANCHOR = REPO / "benchmarks" / "anchor"
ZENDO = Path(sys.executable).with_name("zendo")
# What each test of the bad submission must do: BAD's q1 loses the remainder (only the
# sum survives), q2 forgets the X check digit (only a hidden test catches it), q3 was
# never attempted. Hidden tests are reported as hidden-1, hidden-2 in their module's order.
BAD_TESTS = {
    "anchor.split_amount": {
        "test_split_100_three_ways": "fail",
        "test_split_keeps_every_cent": "pass",
        "hidden-1": "fail",  # split_amount(5, 10)
        "hidden-2": "fail",  # split_amount(10, 0) raises ZeroDivisionError, not ValueError
    },
    "anchor.isbn10": {
        "test_isbn_accepts_a_valid_code": "pass",
        "test_isbn_refuses_a_wrong_check_digit": "pass",
        "hidden-1": "fail",  # the X check digit
        "hidden-2": "pass",  # too short, not digits
    },
    "anchor.parse_duration": {
        "test_duration_hours_and_minutes": "fail",
        "test_duration_seconds_only": "fail",
        "hidden-1": "fail",
        "hidden-2": "fail",
    },
}
# Each function returns an object that says it equals anything. Judged beside the
# learner's code (grading v1) it passed every `==` test; judged from outside, it arrives
# as a handle to the learner's object, which equals nothing the graders expect.
LIAR = {
    exercise_id: (
        f"# exercise: {exercise_id}\n"
        "class Anything:\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "    def __radd__(self, other):\n"
        "        return 1001\n"
        f"def {function}(*args):\n"
        "    return Anything()\n"
    )
    for exercise_id, function in [
        ("anchor.split_amount", "split_amount"),
        ("anchor.isbn10", "is_valid_isbn10"),
        ("anchor.parse_duration", "parse_duration"),
    ]
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One `zendo grade` run over the four notebooks, each in a learner's folder."""
    folder = tmp_path_factory.mktemp("anchor-submissions")
    notebooks = {
        "reference": ANCHOR / "solutions" / "01_anchor.ipynb",
        "starter": ANCHOR / "exercises" / "01_anchor.ipynb",
        "good": ANCHOR / "submissions" / "good.ipynb",
        "bad": ANCHOR / "submissions" / "bad.ipynb",
    }
    for learner, notebook in notebooks.items():
        (folder / learner).mkdir()
        shutil.copy(notebook, folder / learner / "01_anchor.ipynb")
    (folder / "liar").mkdir()
    replace_cells(notebooks["reference"], LIAR, folder / "liar" / "01_anchor.ipynb")
    run = subprocess.run(
        [ZENDO, "--course", ANCHOR, "grade", folder, "--format", "json", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr  # something failed: bad, starter and liar
    gradebook = json.loads(run.stdout)
    return {entry["learner"]: entry for entry in gradebook["submissions"]}


def test_the_anchor_lesson_is_graded_the_v2_way() -> None:
    (lesson,) = load_course(ANCHOR).lessons
    assert lesson.data.grader_api == 2
    assert [path.name for path in lesson.grader_files(ANCHOR)] == ["test_anchor.py"]
    assert [path.name for path in lesson.hidden_grader_files(ANCHOR)] == ["test_anchor_hidden.py"]
    assert all(exercise.hidden_checks == 2 for exercise in lesson.data.exercises)


def test_exercises_are_what_zendo_build_generates() -> None:
    solution = ANCHOR / "solutions" / "01_anchor.ipynb"
    exercises = ANCHOR / "exercises" / "01_anchor.ipynb"
    assert exercises.read_text(encoding="utf-8") == generated_text(solution)


@pytest.mark.slow
def test_reference_passes_every_test(graded: dict[str, dict[str, Any]]) -> None:
    reference = graded["reference"]
    assert (reference["status"], reference["points"], reference["max_points"]) == ("pass", 6, 6)
    statuses = [t["status"] for e in reference["exercises"] for t in e["tests"]]
    assert statuses == ["pass"] * 12  # the assignment's twelve tests, six of them hidden


@pytest.mark.slow
def test_every_check_has_a_title_and_every_failure_a_hint(
    graded: dict[str, dict[str, Any]],
) -> None:
    for exercise in graded["reference"]["exercises"]:
        tests = exercise["tests"]
        assert len(tests) == 4, exercise["id"]  # the assignment's 2 public + 2 hidden tests
        titles = [test["title"] for test in tests if not test["hidden"]]
        assert len(titles) == 2, exercise["id"]
        assert all(0 < len(title) <= 80 for title in titles), titles
        assert len(set(titles)) == len(titles), titles
    failed = [
        test
        for exercise in graded["bad"]["exercises"]
        for test in exercise["tests"]
        if test["status"] == "fail" and not test["hidden"]
    ]
    graded_by_our_checks = [t for t in failed if "not done yet" not in t["message"]]
    assert graded_by_our_checks
    assert all(test["hint"] for test in graded_by_our_checks), graded_by_our_checks


@pytest.mark.slow
def test_good_submission_scores_six_of_six(graded: dict[str, dict[str, Any]]) -> None:
    good = graded["good"]
    assert (good["status"], good["points"], good["max_points"]) == ("pass", 6, 6)


@pytest.mark.slow
def test_bad_submission_scores_two_of_six_test_by_test(
    graded: dict[str, dict[str, Any]],
) -> None:
    bad = graded["bad"]
    assert (bad["status"], bad["points"], bad["max_points"]) == ("fail", 2, 6)
    points = {e["id"]: e["points"] for e in bad["exercises"]}
    assert points == {"anchor.split_amount": 0.5, "anchor.isbn10": 1.5, "anchor.parse_duration": 0}
    statuses = {e["id"]: {t["name"]: t["status"] for t in e["tests"]} for e in bad["exercises"]}
    assert statuses == BAD_TESTS
    messages = {t["name"]: t["message"] for e in bad["exercises"] for t in e["tests"]}
    assert messages["test_split_100_three_ways"] == (
        "split_amount(100, 3) returned [33, 33, 33]; expected [34, 33, 33]."
    )
    assert "not done yet" in messages["test_duration_seconds_only"]


@pytest.mark.slow
def test_hidden_tests_count_but_never_say_what_they_test(
    graded: dict[str, dict[str, Any]],
) -> None:
    hidden = [t for e in graded["bad"]["exercises"] for t in e["tests"] if t["hidden"]]
    assert len(hidden) == 6
    assert {(t["title"], t["hint"]) for t in hidden} == {("Hidden check", None)}
    assert {t["message"] for t in hidden if t["status"] == "fail"} == {
        "A hidden check did not pass."
    }
    shown = json.dumps(graded["bad"])
    for secret in ("080442957X", "abcdefghij", "2h 5s", "5, 10", "isbn_x"):
        assert secret not in shown


@pytest.mark.slow
def test_an_object_equal_to_everything_passes_nothing(
    graded: dict[str, dict[str, Any]],
) -> None:
    liar = graded["liar"]
    assert liar["points"] == 0, liar
    messages = {t["name"]: t["message"] for e in liar["exercises"] for t in e["tests"]}
    assert messages["test_split_100_three_ways"] == (
        "split_amount(100, 3) returned <anchor_split_amount.Anything object at 0x...>; "
        "expected [34, 33, 33]."
    )


@pytest.mark.slow
def test_a_learners_self_check_runs_only_the_public_tests(tmp_path: Path) -> None:
    """BAD's ISBN-10 check passes its public tests: the X check digit is a hidden test."""
    notebook = tmp_path / "01_anchor.ipynb"
    shutil.copy(ANCHOR / "submissions" / "bad.ipynb", notebook)
    run = subprocess.run(
        [ZENDO, "--course", ANCHOR, "check", "anchor.isbn10", "--notebook", notebook],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS    anchor.isbn10" in run.stdout
    assert "2 hidden checks, run when your instructor grades" in run.stdout


@pytest.mark.slow
def test_untouched_starter_fails_every_exercise(graded: dict[str, dict[str, Any]]) -> None:
    starter = graded["starter"]
    assert starter["points"] == 0
    for exercise in starter["exercises"]:
        assert exercise["status"] == "fail", exercise
        assert "not done yet" in exercise["tests"][0]["message"]
