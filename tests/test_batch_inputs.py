"""Hostile inputs in a class batch: each is refused as that learner's error, never followed.

Every hostile folder or file here sits beside honest submissions in ONE batch, graded
through the real `zendo grade` command with two workers. The batch must finish with exit
1 (some work did not pass), every hostile submission must be an `error` whose message
names its file, and every honest result must equal the result of grading it alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import REPO, replace_cells
from zendo._batch import find_submissions, grade_submission, merge_reports
from zendo._course import Course
from zendo._errors import InputError
from zendo._limits import Limits
from zendo._results import Report, Status

RIGHT = "# exercise: demo.greet\ndef greet(name):\n    return f'Hello, {name}!'"
WRONG = "# exercise: demo.greet\ndef greet(name):\n    return 'Hi'"
HONEST = ("ada", "bob")


def zendo_grade(course: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`zendo --course COURSE grade ...` as an instructor runs it: a real process."""
    return subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(course), "grade", *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def graded(gradebook: Path) -> dict[str, dict[str, object]]:
    """The gradebook's submissions by key, without timings (they differ run to run)."""
    report = json.loads(gradebook.read_text(encoding="utf-8"))
    submissions = {}
    for submission in report["submissions"]:
        for exercise in submission["exercises"]:
            for test in exercise["tests"]:
                test.pop("duration_seconds")
        submissions[submission["source"]] = submission
    return submissions


def assert_honest_results_as_alone(
    course: Path, folder: Path, batch: Mapping[str, Mapping[str, object]], tmp_path: Path
) -> None:
    for learner in HONEST:
        alone = tmp_path / f"alone-{learner}.json"
        zendo_grade(course, str(folder / learner), "--gradebook", str(alone))
        [(key, result)] = graded(alone).items()
        assert batch[key] == result, learner


def _notebook_json(solution: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(solution.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def hostile_class(course_root: Path, tmp_path: Path) -> Path:
    """Two honest learners, and one learner's folder per way of breaking a batch."""
    solution = course_root / "solutions" / "01_demo.ipynb"
    folder = tmp_path / "class"
    for learner, code in (("ada", RIGHT), ("bob", WRONG)):
        (folder / learner).mkdir(parents=True)
        replace_cells(solution, {"demo.greet": code}, folder / learner / "01_demo.ipynb")
    # A learner's copy whose exercise notebook is a link to the instructor's solutions.
    (folder / "mal" / "exercises").mkdir(parents=True)
    (folder / "mal" / "exercises" / "01_demo.ipynb").symlink_to(solution)
    # A learner's copy whose whole exercises/ folder is such a link.
    (folder / "fay").mkdir()
    (folder / "fay" / "exercises").symlink_to(solution.parent)
    # A learner "folder" that is a link to the solutions.
    (folder / "eve").symlink_to(solution.parent)
    # Two notebooks of one lesson in one learner's copy.
    (folder / "dup" / "exercises" / "old").mkdir(parents=True)
    replace_cells(solution, {"demo.greet": RIGHT}, folder / "dup" / "exercises" / "01_demo.ipynb")
    old = folder / "dup" / "exercises" / "old" / "01_demo.ipynb"
    replace_cells(solution, {"demo.greet": WRONG}, old)
    # JSON nested 200,000 deep (json.loads runs out of recursion).
    (folder / "deep").mkdir()
    text = json.dumps(_notebook_json(solution))
    nested = "[" * 200_000 + "]" * 200_000
    (folder / "deep" / "01_demo.ipynb").write_text(text[:-1] + f', "x": {nested}}}')
    # Two million numbers: 10 MB on disk, and gigabytes once parsed, were it parsed.
    (folder / "wide").mkdir()
    numbers = ",".join(["1000"] * 2_000_000)
    (folder / "wide" / "01_demo.ipynb").write_text(text[:-1] + f', "x": [{numbers}]}}')
    # A cell holding a lone surrogate, which a JSON escape can carry and UTF-8 cannot.
    (folder / "surr").mkdir()
    surrogate = "# exercise: demo.greet\ngreeting = '\udfff'"
    replace_cells(solution, {"demo.greet": surrogate}, folder / "surr" / "01_demo.ipynb")
    # An expression nested 200,000 deep, which exhausts Python's own parser.
    (folder / "expr").mkdir()
    expression = "# exercise: demo.add\nx = " + "-" * 200_000 + "1"
    replace_cells(solution, {"demo.add": expression}, folder / "expr" / "01_demo.ipynb")
    # A named pipe where a notebook should be: reading it would block the batch forever.
    (folder / "gus").mkdir()
    os.mkfifo(folder / "gus" / "01_demo.ipynb")
    return folder


# What each hostile learner's error must say, besides naming the file.
EXPECTED = {
    "mal/01_demo.ipynb": ("mal/exercises/01_demo.ipynb", "is a symbolic link"),
    "fay/exercises": ("fay/exercises", "is a symbolic link"),
    "eve/eve": ("class/eve", "is a symbolic link"),
    "dup/01_demo.ipynb": (
        "dup/exercises/01_demo.ipynb and ",
        "dup/exercises/old/01_demo.ipynb. Keep only the one",
    ),
    "deep/01_demo.ipynb": ("deep/01_demo.ipynb", "is JSON nested 200001 levels deep"),
    "wide/01_demo.ipynb": ("wide/01_demo.ipynb", "JSON values, over the 1,000,000"),
    "surr/01_demo.ipynb": ("surr/01_demo.ipynb: cell 4", "not valid Unicode"),
    "expr/01_demo.ipynb": ("demo.add (cell 3)", "nested too deeply for Python to read"),
    "gus/01_demo.ipynb": ("gus/01_demo.ipynb", "is not a regular file"),
}


@pytest.mark.slow
def test_hostile_inputs_are_their_learners_errors_and_the_batch_goes_on(
    course_root: Path, hostile_class: Path, tmp_path: Path
) -> None:
    gradebook = tmp_path / "class.json"
    run = zendo_grade(course_root, str(hostile_class), "--jobs", "2", "--gradebook", str(gradebook))
    assert run.returncode == 1, run.stderr  # some work failed; not 2 or 3 for the batch
    assert "Traceback" not in run.stderr
    results = graded(gradebook)
    assert set(results) == {f"{learner}/01_demo.ipynb" for learner in HONEST} | set(EXPECTED)
    for key, (names_file, says) in EXPECTED.items():
        result = results[key]
        assert (result["status"], result["points"]) == ("error", 0.0), key
        message = str(result["message"])
        assert names_file in message, key
        assert says in message, key
        assert f"{key}: error, " in run.stderr  # the progress line tells the instructor too
    # The solutions behind the links were never graded: nothing but honest work scored.
    assert {key for key, r in results.items() if r["points"]} == {
        "ada/01_demo.ipynb",
        "bob/01_demo.ipynb",
    }
    assert results["ada/01_demo.ipynb"]["status"] == Status.PASS
    assert_honest_results_as_alone(course_root, hostile_class, results, tmp_path)


def test_a_link_swapped_in_after_discovery_is_not_followed(
    fixture_course: Course, tmp_path: Path
) -> None:
    """The file is opened without following links: a notebook replaced by a link to the
    solutions between finding and grading (learner code runs during the batch) is refused."""
    folder = tmp_path / "class" / "ada"
    folder.mkdir(parents=True)
    notebook = folder / "01_demo.ipynb"
    replace_cells(fixture_course.root / "solutions" / "01_demo.ipynb", {}, notebook)
    [submission] = find_submissions([tmp_path / "class"], fixture_course)
    assert submission.problem == ""
    notebook.unlink()
    notebook.symlink_to(fixture_course.root / "solutions" / "01_demo.ipynb")
    result = grade_submission(fixture_course, submission, Limits())
    assert (result.status, result.points, result.exercises) == (Status.ERROR, 0.0, [])
    assert f"{notebook} is a symbolic link" in result.message


def test_deeply_nested_folders_do_not_exhaust_recursion(
    fixture_course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = tmp_path / "class" / "ada"
    learner.mkdir(parents=True)
    monkeypatch.chdir(learner)
    depth = sys.getrecursionlimit() + 50  # deeper than recursion could walk
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        notebook = Path("01_demo.ipynb")
        replace_cells(fixture_course.root / "solutions" / "01_demo.ipynb", {}, notebook)
        found = find_submissions([tmp_path / "class"], fixture_course)
        assert [submission.key for submission in found] == ["ada/01_demo.ipynb"]
        assert found[0].problem == ""
    finally:
        _remove_chain(learner)


def _remove_chain(top: Path) -> None:
    """Remove a chain of nested `d` folders from the bottom up, without recursion.

    pytest's own clean-up of old temporary folders uses shutil.rmtree, which recurses and
    would fail on this chain in a later run (and warn, which the suite treats as an error).
    """
    os.chdir(top)
    levels = 0
    while os.path.isdir("d"):
        os.chdir("d")
        levels += 1
    for _ in range(levels):
        for name in os.listdir("."):
            os.unlink(name)
        os.chdir("..")
        os.rmdir("d")


def test_same_key_from_two_command_line_paths_is_still_refused(
    fixture_course: Course, tmp_path: Path
) -> None:
    """Only the instructor can cause this (two paths given), so it stays their error."""
    solution = fixture_course.root / "solutions" / "01_demo.ipynb"
    for place in ("here", "there"):
        (tmp_path / place / "ada").mkdir(parents=True)
        replace_cells(solution, {}, tmp_path / place / "ada" / "01_demo.ipynb")
    with pytest.raises(InputError, match="would both be graded as"):
        find_submissions([tmp_path / "here" / "ada", tmp_path / "there" / "ada"], fixture_course)


def test_a_refused_submission_is_never_taken_from_a_resumed_gradebook(
    course_root: Path, tmp_path: Path
) -> None:
    """A gradebook that says the linked notebook passed, with the sha256 of the file the
    link points at, does not make `--resume` follow the link or keep that pass."""
    solution = course_root / "solutions" / "01_demo.ipynb"
    link = tmp_path / "class" / "mal" / "01_demo.ipynb"
    link.parent.mkdir(parents=True)
    link.symlink_to(solution)
    gradebook = tmp_path / "class.json"
    first = zendo_grade(course_root, str(tmp_path / "class"), "--gradebook", str(gradebook))
    assert first.returncode == 1, first.stderr
    report = json.loads(gradebook.read_text(encoding="utf-8"))
    [entry] = report["submissions"]
    entry.update(
        status="pass", points=3.0, max_points=3, message="",
        sha256=hashlib.sha256(solution.read_bytes()).hexdigest(),
    )  # fmt: skip
    gradebook.write_text(json.dumps(report), encoding="utf-8")
    again = zendo_grade(
        course_root, str(tmp_path / "class"), "--gradebook", str(gradebook), "--resume"
    )
    assert again.returncode == 1, again.stderr
    [result] = graded(gradebook).values()
    assert (result["status"], result["points"]) == ("error", 0.0)
    assert "is a symbolic link" in str(result["message"])


@pytest.mark.slow
def test_a_link_to_the_money_solutions_does_not_score(tmp_path: Path) -> None:
    """The issue's case, on the real course: exercises/05_money.ipynb linked to solutions/."""
    folder = tmp_path / "class"
    (folder / "mal" / "exercises").mkdir(parents=True)
    (folder / "mal" / "exercises" / "05_money.ipynb").symlink_to(
        REPO / "solutions" / "05_money.ipynb"
    )
    (folder / "ada" / "exercises").mkdir(parents=True)
    starter = (REPO / "exercises" / "05_money.ipynb").read_bytes()
    (folder / "ada" / "exercises" / "05_money.ipynb").write_bytes(starter)
    gradebook = tmp_path / "class.json"
    run = zendo_grade(REPO, str(folder), "--jobs", "2", "--gradebook", str(gradebook))
    assert run.returncode == 1, run.stderr
    results = graded(gradebook)
    mal = results["mal/05_money.ipynb"]
    assert (mal["status"], mal["points"]) == ("error", 0.0)
    assert "mal/exercises/05_money.ipynb is a symbolic link" in str(mal["message"])
    alone = tmp_path / "ada.json"
    zendo_grade(REPO, str(folder / "ada"), "--gradebook", str(alone))
    assert results["ada/05_money.ipynb"] == graded(alone)["ada/05_money.ipynb"]


FORGERIES = {
    "no grader hashes": ({"grader_hashes": {}}, "it records no grader hashes"),
    "other graders": (
        {"grader_hashes": {"01_demo": "0" * 64}},
        "the graders of 01_demo differ from this course's",
    ),
    "other course version": ({"course_version": "v1999.1"}, "course version 'v1999.1'"),
    "other zendo": ({"zendo_version": "0.0.1"}, "graded by zendo '0.0.1'"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_resume_takes_only_a_gradebook_from_these_graders_and_this_zendo(
    course_root: Path, tmp_path: Path, forgery: str
) -> None:
    folder = tmp_path / "class" / "ada"
    folder.mkdir(parents=True)
    replace_cells(course_root / "solutions" / "01_demo.ipynb", {}, folder / "01_demo.ipynb")
    gradebook = tmp_path / "class.json"
    first = zendo_grade(course_root, str(folder.parent), "--gradebook", str(gradebook))
    assert first.returncode == 0, first.stderr
    resumed = zendo_grade(
        course_root, str(folder.parent), "--gradebook", str(gradebook), "--resume"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "1/1" not in resumed.stderr  # accepted: nothing was graded again

    changes, reason = FORGERIES[forgery]
    report = json.loads(gradebook.read_text(encoding="utf-8"))
    report.update(changes)
    gradebook.write_text(json.dumps(report), encoding="utf-8")
    refused = zendo_grade(
        course_root, str(folder.parent), "--gradebook", str(gradebook), "--resume"
    )
    assert refused.returncode == 2
    assert f"--resume cannot continue {gradebook}: " in refused.stderr
    assert reason in refused.stderr
    assert "Grade everything again without --resume" in refused.stderr
    assert json.loads(gradebook.read_text(encoding="utf-8")) == report  # left as it was


@pytest.mark.parametrize(
    "change", [{"zendo_version": "0.0.1"}, {"course_version": "v1999.1"}, {"grader_hashes": {}}]
)
def test_merge_joins_only_shards_of_one_batch(change: dict[str, object]) -> None:
    shard = Report(zendo_version="1.0", course="c", course_version="v1", submissions=[])
    shard = shard.model_copy(update={"grader_hashes": {"01_demo": "a" * 64}})
    with pytest.raises(InputError, match="merge only shards of one batch"):
        merge_reports([shard, shard.model_copy(update=change)])
    assert merge_reports([shard, shard]) == shard


# Learner code that ends the grading process with the exit code of an internal fault.
EXIT_THREE = "# exercise: demo.greet\nimport os\nos._exit(3)"


@pytest.mark.slow
def test_code_that_ends_its_grading_process_is_its_learners_error(
    course_root: Path, tmp_path: Path
) -> None:
    """Today's engine reads a child's exit code 3 as the course's fault; a learner can exit
    with it. The batch asks the course's graders again without learner code, finds them
    sound, and makes it that learner's error instead of ending the class's batch."""
    solution = course_root / "solutions" / "01_demo.ipynb"
    folder = tmp_path / "class"
    for learner, code in (("ada", RIGHT), ("bob", WRONG), ("zed", EXIT_THREE)):
        (folder / learner).mkdir(parents=True)
        replace_cells(solution, {"demo.greet": code}, folder / learner / "01_demo.ipynb")
    gradebook = tmp_path / "class.json"
    run = zendo_grade(course_root, str(folder), "--jobs", "2", "--gradebook", str(gradebook))
    assert run.returncode == 1, run.stderr
    results = graded(gradebook)
    zed = results["zed/01_demo.ipynb"]
    assert (zed["status"], zed["points"]) == ("error", 0.0)
    assert str(zed["message"]).startswith("Grading could not finish: while this notebook's")
    assert "os._exit()" in str(zed["message"])
    assert_honest_results_as_alone(course_root, folder, results, tmp_path)


def test_broken_graders_end_the_batch_with_exit_3_naming_the_course(
    course_root: Path, tmp_path: Path
) -> None:
    graders = course_root / "tests" / "graders" / "test_01_demo.py"
    graders.write_text(graders.read_text(encoding="utf-8") + "\ndef broken(:\n", encoding="utf-8")
    folder = tmp_path / "class" / "ada"
    folder.mkdir(parents=True)
    replace_cells(course_root / "solutions" / "01_demo.ipynb", {}, folder / "01_demo.ipynb")
    run = zendo_grade(course_root, str(folder.parent), "--jobs", "2")
    assert run.returncode == 3
    assert "Error: The graders of lesson 'demo' are broken" in run.stderr
