"""Batch grading: finding submissions, gradebooks, resuming, shards and merging."""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import replace_cells
from zendo._batch import (
    Shard,
    find_submissions,
    grade_batch,
    grade_each,
    load_report,
    merge_reports,
)
from zendo._course import Course
from zendo._errors import InputError
from zendo._grade import make_report
from zendo._journal import Journal
from zendo._limits import Limits
from zendo._results import Status, SubmissionResult
from zendo.cli import cli

RIGHT = "# exercise: demo.greet\ndef greet(name):\n    return f'Hello, {name}!'"
WRONG = "# exercise: demo.greet\ndef greet(name):\n    return 'Hi'"


@pytest.fixture
def class_folder(fixture_course: Course, tmp_path: Path) -> Path:
    """Submissions as instructors collect them: a folder per learner, or a file each."""
    folder = tmp_path / "class"
    solution = fixture_course.root / "solutions" / "01_demo.ipynb"
    for learner, code in (("ada", RIGHT), ("bob", WRONG)):
        (folder / learner).mkdir(parents=True)
        replace_cells(solution, {"demo.greet": code}, folder / learner / "01_demo.ipynb")
    replace_cells(solution, {"demo.greet": WRONG}, folder / "cy.ipynb")
    copy = folder / "dee"  # a learner's whole copy of the course
    (copy / "exercises").mkdir(parents=True)
    replace_cells(solution, {"demo.greet": RIGHT}, copy / "exercises" / "01_demo.ipynb")
    return folder


def test_learners_are_named_by_folder_or_file(fixture_course: Course, class_folder: Path) -> None:
    found = find_submissions([class_folder], fixture_course)
    assert [s.key for s in found] == [
        "ada/01_demo.ipynb",
        "bob/01_demo.ipynb",
        "cy/cy.ipynb",
        "dee/01_demo.ipynb",
    ]
    one_by_one = find_submissions([class_folder / "ada", class_folder / "bob"], fixture_course)
    assert [s.key for s in one_by_one] == ["ada/01_demo.ipynb", "bob/01_demo.ipynb"]


def test_two_files_with_one_key_are_refused_not_merged(
    fixture_course: Course, class_folder: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "ada"
    other.mkdir(parents=True)
    shutil.copy(class_folder / "ada" / "01_demo.ipynb", other / "01_demo.ipynb")
    with pytest.raises(InputError, match=re.escape("would both be graded as 'ada/01_demo.ipynb'")):
        find_submissions([class_folder / "ada", other], fixture_course)


def test_graders_inside_a_submission_are_refused(fixture_course: Course) -> None:
    with pytest.raises(InputError, match="trusted copy of the course"):
        find_submissions([fixture_course.root], fixture_course)


def test_batch_grades_in_parallel_and_hands_over_each_result_as_it_finishes(
    fixture_course: Course, class_folder: Path
) -> None:
    seen: list[str] = []
    results = grade_batch(
        fixture_course,
        find_submissions([class_folder], fixture_course),
        jobs=2,
        limits=Limits(),
        on_result=lambda done, total, result: seen.append(f"{done}/{total}"),
    )
    assert [(r.learner, r.status) for r in results] == [
        ("ada", Status.PASS), ("bob", Status.FAIL), ("cy", Status.FAIL), ("dee", Status.PASS),
    ]  # fmt: skip
    assert seen == ["1/4", "2/4", "3/4", "4/4"]
    assert all(len(r.sha256) == 64 for r in results)


def test_each_result_is_in_the_journal_before_the_next_one_comes(
    fixture_course: Course, class_folder: Path, tmp_path: Path
) -> None:
    """One line appended per result, flushed: each write costs the same, however many came."""
    path = tmp_path / "class.journal.jsonl"
    sizes: list[int] = []
    with Journal(path, make_report(fixture_course, [])) as journal:
        journal.commit()

        def record(done: int, total: int, result: SubmissionResult) -> None:
            before = path.stat().st_size
            journal.add(result)
            lines = path.read_bytes().splitlines()
            assert len(lines) == 1 + done  # the head, then one line per result so far
            assert SubmissionResult.model_validate_json(lines[-1]) == result
            sizes.append(path.stat().st_size - before)

        grade_each(
            fixture_course, find_submissions([class_folder], fixture_course),
            jobs=2, limits=Limits(), on_result=record,
        )  # fmt: skip
        assert len(journal) == 4
        assert [r.source for r in journal.results()] == sorted(
            s.key for s in find_submissions([class_folder], fixture_course)
        )
    # Each append wrote one result's line, not the results so far.
    assert max(sizes) < 2 * min(sizes), sizes


def test_the_engine_keeps_no_result_it_has_handed_over(
    fixture_course: Course, class_folder: Path
) -> None:
    """Memory flat in the class: once a result is handed over, the engine lets go of it.

    Results finished but not handed over yet may be alive (the worker goes on grading
    while a slow listener, like this one, takes its time); none handed over before may.
    """
    handed: list[str] = []
    kept: list[list[str]] = []

    def count(done: int, total: int, result: SubmissionResult) -> None:
        gc.collect()
        alive = {thing.source for thing in gc.get_objects() if isinstance(thing, SubmissionResult)}
        kept.append(sorted(alive & set(handed)))
        handed.append(result.source)

    grade_each(
        fixture_course, find_submissions([class_folder], fixture_course),
        jobs=1, limits=Limits(), on_result=count,
    )  # fmt: skip
    assert len(set(handed)) == 4
    assert kept == [[], [], [], []]


def test_resume_keeps_unchanged_work_and_regrades_changed_files(
    fixture_course: Course, class_folder: Path
) -> None:
    submissions = find_submissions([class_folder], fixture_course)
    first = grade_batch(fixture_course, submissions, jobs=2, limits=Limits())
    done = {result.source: result for result in first}
    solution = fixture_course.root / "solutions" / "01_demo.ipynb"
    replace_cells(solution, {"demo.greet": RIGHT}, class_folder / "bob" / "01_demo.ipynb")
    regraded: list[str] = []
    second = grade_batch(
        fixture_course, submissions, jobs=2, limits=Limits(), done=done,
        on_result=lambda done_count, total, result: regraded.append(result.source),
    )  # fmt: skip
    assert regraded == ["bob/01_demo.ipynb"]
    assert [r.status for r in second] == [Status.PASS] * 2 + [Status.FAIL, Status.PASS]


def test_shards_partition_the_batch_and_merge_back(
    fixture_course: Course, class_folder: Path
) -> None:
    submissions = find_submissions([class_folder], fixture_course)
    reports = []
    for index in (1, 2, 3):
        shard = Shard.parse(f"{index}/3")
        part = [s for i, s in enumerate(submissions) if shard.keeps(i)]
        reports.append(
            make_report(fixture_course, grade_batch(fixture_course, part, jobs=1, limits=Limits()))
        )
    assert sorted(len(r.submissions) for r in reports) == [1, 1, 2]
    merged = merge_reports(reports)
    assert [s.source for s in merged.submissions] == [s.key for s in submissions]
    foreign = reports[0].model_copy(update={"grader_hashes": {"01_demo": "0" * 64}})
    with pytest.raises(InputError, match="different courses or graders"):
        merge_reports([reports[1], foreign])


@pytest.mark.parametrize("text", ["0/3", "4/3", "2", "a/b", "1/0"])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="--shard takes i/N"):
        Shard.parse(text)


def test_grade_command_writes_gradebook_csv_and_exits_one(
    runner: CliRunner, course_root: Path, class_folder: Path, tmp_path: Path
) -> None:
    gradebook = tmp_path / "out" / "gradebook.json"
    result = runner.invoke(
        cli,
        ["--course", str(course_root), "grade", str(class_folder), "--gradebook", str(gradebook)],
    )
    assert result.exit_code == 1
    assert "2 of 4 submissions passed everything." in result.stdout
    assert "[####################] 4/4" in result.stderr
    report = load_report(gradebook)
    assert report.course_version == ""
    assert set(report.grader_hashes) == {"01_demo"}
    rows = list(csv.DictReader(io.StringIO(gradebook.with_suffix(".csv").read_text())))
    assert len(rows) == 8  # four learners, two exercises each
    bob_greet = next(r for r in rows if r["learner"] == "bob" and r["exercise"] == "demo.greet")
    assert (bob_greet["status"], bob_greet["points"], bob_greet["hint_id"]) == (
        "fail",
        "0",
        "greeting",
    )


def test_unreadable_notebook_in_a_batch_is_that_learners_error_and_exits_one(
    runner: CliRunner, course_root: Path, class_folder: Path
) -> None:
    # A learner's broken file is a result like a failed test: the batch ran, so it exits
    # by the grades (1), never 2 (usage) or 3 (a fault of the course or the engine).
    (class_folder / "zed.ipynb").write_text("{oops")
    result = runner.invoke(cli, ["--course", str(course_root), "grade", str(class_folder)])
    assert result.exit_code == 1
    assert "zed/zed.ipynb: error, " in result.stderr
    assert "is not valid notebook JSON" in result.stderr


def test_resume_needs_a_gradebook(runner: CliRunner, course_root: Path, class_folder: Path) -> None:
    result = runner.invoke(
        cli, ["--course", str(course_root), "grade", str(class_folder), "--resume"]
    )
    assert result.exit_code == 2
    assert "give --gradebook PATH too" in result.output


def test_merge_command_joins_shard_gradebooks(
    runner: CliRunner, course_root: Path, class_folder: Path, tmp_path: Path
) -> None:
    parts = []
    for index in (1, 2):
        part = tmp_path / f"shard{index}.json"
        arguments = [
            "--course",
            str(course_root),
            "grade",
            str(class_folder),
            "--shard",
            f"{index}/2",
        ]
        runner.invoke(cli, [*arguments, "--gradebook", str(part)])
        parts.append(str(part))
    merged = tmp_path / "all.json"
    result = runner.invoke(
        cli, ["--course", str(course_root), "merge", *parts, "--output", str(merged)]
    )
    assert result.exit_code == 0
    assert len(json.loads(merged.read_text())["submissions"]) == 4
