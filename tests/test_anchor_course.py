"""The benchmark's anchor course grades like nbgrader and otter-grader grade its assignment.

`benchmarks/anchor/` is the side-by-side benchmark's assignment (issue 12) as a Zendo
course. A speed ratio means nothing if Zendo grades something else, so this proves,
through `zendo grade` as an instructor runs it: the reference passes every test, the
good submission scores 6/6 as it does with the incumbents, the bad one scores 2/6 (per
test, as otter-grader shares points; nbgrader's one test cell per question gives it
0/6), and the untouched starter fails every exercise. Nothing here measures time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from zendo._build import generated_text

ANCHOR = REPO / "benchmarks" / "anchor"
ZENDO = Path(sys.executable).with_name("zendo")
# What each test of the bad submission must do: BAD's q1 loses the remainder (only the
# sum survives), q2 forgets the X check digit (only a hidden test catches it), q3 was
# never attempted.
BAD_TESTS = {
    "anchor.split_amount": {
        "test_split_100_three_ways": "fail",
        "test_split_keeps_every_cent": "pass",
        "test_split_fewer_cents_than_parts": "fail",
        "test_split_refuses_zero_parts": "fail",
    },
    "anchor.isbn10": {
        "test_isbn_accepts_a_valid_code": "pass",
        "test_isbn_refuses_a_wrong_check_digit": "pass",
        "test_isbn_accepts_x_as_check_digit": "fail",
        "test_isbn_refuses_bad_shapes": "pass",
    },
    "anchor.parse_duration": {
        "test_duration_hours_and_minutes": "fail",
        "test_duration_seconds_only": "fail",
        "test_duration_with_space_and_gap": "fail",
        "test_duration_refuses_garbage": "fail",
    },
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
    run = subprocess.run(
        [ZENDO, "--course", ANCHOR, "grade", folder, "--format", "json", "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr  # something failed: the bad one and the starter
    gradebook = json.loads(run.stdout)
    return {entry["learner"]: entry for entry in gradebook["submissions"]}


def test_exercises_are_what_zendo_build_generates() -> None:
    solution = ANCHOR / "solutions" / "01_anchor.ipynb"
    exercises = ANCHOR / "exercises" / "01_anchor.ipynb"
    assert exercises.read_text(encoding="utf-8") == generated_text(solution)


@pytest.mark.slow
def test_reference_passes_every_test(graded: dict[str, dict[str, Any]]) -> None:
    reference = graded["reference"]
    assert (reference["status"], reference["points"], reference["max_points"]) == ("pass", 6, 6)
    statuses = {t["name"]: t["status"] for e in reference["exercises"] for t in e["tests"]}
    assert len(statuses) == 12
    assert set(statuses.values()) == {"pass"}


@pytest.mark.slow
def test_every_check_has_a_title_and_every_failure_a_hint(
    graded: dict[str, dict[str, Any]],
) -> None:
    for exercise in graded["reference"]["exercises"]:
        titles = [test["title"] for test in exercise["tests"]]
        assert len(titles) == 4, exercise["id"]  # the assignment's 2 public + 2 hidden tests
        assert all(0 < len(title) <= 80 for title in titles), titles
        assert len(set(titles)) == len(titles), titles
    failed = [t for e in graded["bad"]["exercises"] for t in e["tests"] if t["status"] == "fail"]
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
    assert messages["test_isbn_accepts_x_as_check_digit"] == (
        "is_valid_isbn10('080442957X') returned False; expected True."
    )
    assert "not done yet" in messages["test_duration_seconds_only"]


@pytest.mark.slow
def test_untouched_starter_fails_every_exercise(graded: dict[str, dict[str, Any]]) -> None:
    starter = graded["starter"]
    assert starter["points"] == 0
    for exercise in starter["exercises"]:
        assert exercise["status"] == "fail", exercise
        assert "not done yet" in exercise["tests"][0]["message"]
