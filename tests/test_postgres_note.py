"""The verdict says, in one line, when the PostgreSQL half of a check was skipped (issue 14).

- Through `zendo check` (a real subprocess of the repo's own `zendo`), the reference
  answer of the async transfer passes without a server and its verdict says once, in
  text, JSON and JUnit, that it was graded on SQLite only; with the session's server
  (tests/postgres_cluster.py) it passes and says nothing of the kind.
- `note()` itself: a note never changes a status, the same note from several tests
  shows once, and a hidden test's note reaches no report, whether the judge sends it
  (the plugin drops it) or not (the engine drops it too).

Without a server, the test that needs one follows tests/postgres_cluster.py: skipped with
the one-line reason on a learner's machine, a failure under `make test`
(`ZENDO_REQUIRE_POSTGRES=1`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.postgres_cluster import SERVER_ENV, Server
from tests.test_v2_course import COURSE_V2
from zendo._course import load_course
from zendo._extract import extract_from_notebook
from zendo._grade import _exercise_result, grade_sources
from zendo._limits import Limits
from zendo._results import ChildOutcome, Report, Status
from zendo._sandbox import ChildRun, Fate
from zendo.render.html import render_exercise_html
from zendo.render.junit import render_junit
from zendo.render.terminal import render_terminal

ZENDO = REPO / ".venv" / "bin" / "zendo"
EXERCISE = "transactions.async_transfer"
NOTEBOOK = "solutions/06_transactions.ipynb"
# What the learner reads: tx_helpers.NO_SERVER, as the graders attach it.
NOTE = "no PostgreSQL server here: the async transfer was graded on SQLite only."
NOTE_LINE = f"Note: {NOTE}"


def check(*extra: str, server: Server | None) -> subprocess.CompletedProcess[str]:
    """`zendo check` of the async transfer's reference answer, as a learner runs it."""
    env = {k: v for k, v in os.environ.items() if k != SERVER_ENV}
    if server is not None:
        env[SERVER_ENV] = server.to_env()
    return subprocess.run(
        [str(ZENDO), "check", EXERCISE, "--notebook", NOTEBOOK, *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env=env,
    )


def test_without_a_server_the_check_passes_and_says_it_once() -> None:
    done = check(server=None)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[:2] == ["PASS", f"{EXERCISE}:"], done.stdout
    # Two tests skip their PostgreSQL half; the learner reads it once, on one line.
    assert [line.strip() for line in lines].count(NOTE_LINE) == 1, done.stdout
    assert done.stdout.count("PostgreSQL") == 1, done.stdout
    assert lines[2].strip() == NOTE_LINE, done.stdout  # under the verdict it qualifies


def test_without_a_server_json_and_junit_carry_the_note() -> None:
    as_json = check("--format", "json", server=None)
    assert as_json.returncode == 0, as_json.stderr
    report = Report.model_validate_json(as_json.stdout)
    assert report.schema_version == 1
    [graded] = report.submissions[0].exercises
    assert (graded.status, graded.points, graded.notes) == (Status.PASS, 4.0, [NOTE])
    assert json.loads(as_json.stdout)["submissions"][0]["exercises"][0]["notes"] == [NOTE]

    as_junit = check("--format", "junit", server=None)
    assert as_junit.returncode == 0, as_junit.stderr
    [suite] = ET.fromstring(as_junit.stdout).iter("testsuite")  # noqa: S314 - our own output
    assert [out.text for out in suite.iter("system-out")] == [NOTE_LINE]
    assert suite.get("failures") == "0"
    assert suite.get("errors") == "0"


@pytest.mark.slow
def test_with_a_server_the_postgres_half_runs_and_no_note_is_shown(
    postgres_server: Server,
) -> None:
    done = check(server=postgres_server)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS" in done.stdout.splitlines()[1], done.stdout
    assert "Note:" not in done.stdout, done.stdout
    assert "PostgreSQL" not in done.stdout, done.stdout
    as_json = check("--format", "json", server=postgres_server)
    assert as_json.returncode == 0, as_json.stderr
    [graded] = Report.model_validate_json(as_json.stdout).submissions[0].exercises
    assert (graded.status, graded.notes) == (Status.PASS, [])


# ------------------------------------------------------------- note() on the fixture course

VISIBLE_NOTE = "The fixture graded this without its network half."
SECRET_NOTE = "SECRET-NOTE: the hidden check tried ten thousand people."  # noqa: S105 - bait

NOTING_MODULE = f'''"""Visible checks of calc.split that attach notes: three tests, one note."""

from __future__ import annotations

from zendo.judge import Learner, exercise, expect, note


@exercise("calc.split", title="Two people share 10")
def test_two_people(learner: Learner) -> None:
    note({VISIBLE_NOTE!r})
    note({VISIBLE_NOTE!r})
    expect(learner.call("split", 10, 2).value == [5, 5], "split(10, 2) is wrong.")


@exercise("calc.split", title="One person gets it all")
def test_one_person(learner: Learner) -> None:
    note({VISIBLE_NOTE!r})
    expect(learner.call("split", 7, 1).value == [7], "split(7, 1) is wrong.")


@exercise("calc.split", title="Three people share 1")
def test_three_people_fails_with_a_note(learner: Learner) -> None:
    note({VISIBLE_NOTE!r})
    expect(learner.call("split", 1, 3).value == [0, 0, 1], "split(1, 3) is not [0, 0, 1].")
'''

HIDDEN_MODULE = f'''"""A hidden check of calc.split that attaches a note the learner must never read."""

from __future__ import annotations

from zendo.judge import Learner, exercise, expect, note


@exercise("calc.split", title="SECRET-TITLE")
def test_secret_many_people(learner: Learner) -> None:
    note({SECRET_NOTE!r})
    expect(len(learner.call("split", 10, 10_000).value) == 10_000, "SECRET-MESSAGE")
'''


def noting_course(target: Path) -> Path:
    """A copy of the v2 fixture course, its graders in a folder with a hidden module."""
    shutil.copytree(COURSE_V2, target)
    graders = target / "tests" / "graders"
    (graders / "01_calc" / "hidden").mkdir(parents=True)
    (graders / "test_01_calc.py").rename(graders / "01_calc" / "test_01_calc.py")
    (graders / "01_calc" / "test_01_calc_notes.py").write_text(NOTING_MODULE, encoding="utf-8")
    (graders / "01_calc" / "hidden" / "test_01_calc_hidden.py").write_text(
        HIDDEN_MODULE, encoding="utf-8"
    )
    lesson = target / "course" / "01_calc.toml"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("timeout_seconds = 3\n", "timeout_seconds = 3\nhidden_checks = 1\n", 1)
    lesson.write_text(text, encoding="utf-8")
    return target


def test_notes_show_once_change_no_status_and_never_leave_a_hidden_test(tmp_path: Path) -> None:
    course = load_course(noting_course(tmp_path / "course"))
    split = course.exercise("calc.split")
    solution = course.root / "solutions" / "01_calc.ipynb"
    sources = extract_from_notebook(solution, [split.id])
    result = grade_sources(course, sources, [split], Limits(), "ada", with_hidden=True)
    [graded] = result.exercises
    by_title = {test.title: test.status for test in graded.tests}
    # The reference gives the extra unit to the first share: the third test fails, its
    # note and all; the notes changed no status.
    assert by_title["Three people share 1"] is Status.FAIL, by_title
    assert by_title["Two people share 10"] is Status.PASS, by_title
    assert [test.status for test in graded.tests if test.hidden] == [Status.PASS]
    assert graded.notes == [VISIBLE_NOTE]  # three tests, four calls: once

    report = Report(zendo_version="0", course=course.title, submissions=[result])
    shown = {
        "json": report.model_dump_json(),
        "terminal": render_terminal(report),
        "notebook html": render_exercise_html(graded),
        "junit": render_junit(report),
    }
    for name, text in shown.items():
        assert "SECRET" not in text, name
        assert VISIBLE_NOTE in text, name
    assert render_terminal(report).count(f"Note: {VISIBLE_NOTE}") == 1


def test_the_judge_sends_no_note_of_a_hidden_test(tmp_path: Path) -> None:
    from zendo.judge.lesson import judge_lesson

    course = load_course(noting_course(tmp_path / "course"))
    split = course.exercise("calc.split")
    lesson = course.lesson_of(split)
    sources = extract_from_notebook(course.root / "solutions" / "01_calc.ipynb", [split.id])
    hidden = lesson.hidden_grader_files(course.root)
    judged = judge_lesson(
        [*lesson.grader_files(course.root), *hidden],
        sources,
        {split.id: split.timeout_seconds},
        Limits(),
        hidden=hidden,
    )
    notes = {outcome.test: (outcome.hidden, outcome.notes) for outcome in judged.outcomes}
    assert notes["test_secret_many_people"] == (True, [])
    assert notes["test_two_people"] == (False, [VISIBLE_NOTE])  # twice in one test: once
    assert notes["test_three_people_fails_with_a_note"] == (False, [VISIBLE_NOTE])
    assert notes["test_split_fixed_cases"] == (False, [])  # a test that made none


def test_the_engine_drops_a_hidden_tests_note_even_if_the_judge_sends_it() -> None:
    course = load_course(REPO)
    exercise = course.exercise(EXERCISE)
    outcomes = [
        ChildOutcome(exercise_id=EXERCISE, test="test_a", status=Status.PASS, notes=[NOTE]),
        ChildOutcome(
            exercise_id=EXERCISE,
            test="test_b",
            status=Status.FAIL,
            hidden=True,
            message="SECRET-MESSAGE",
            notes=[SECRET_NOTE, NOTE],
        ),
        ChildOutcome(exercise_id=EXERCISE, test="test_c", status=Status.PASS, notes=[NOTE]),
    ]
    run = ChildRun(
        collected={EXERCISE: {"test_a": 1, "test_b": 1, "test_c": 1}},
        outcomes=outcomes,
        fate=Fate.FINISHED,
        detail="",
        duration_seconds=0.1,
    )
    graded = _exercise_result(course, exercise, run)
    assert graded.notes == [NOTE]
    assert graded.status is Status.FAIL  # the hidden failure still counts, its note does not
    assert "SECRET" not in graded.model_dump_json()


@pytest.mark.parametrize(
    "bad", ["", "   ", "two\nlines", "x" * 161], ids=["empty", "blank", "newline", "too-long"]
)
def test_a_malformed_note_is_a_grader_bug(bad: str) -> None:
    from zendo.judge import note
    from zendo.judge.toolkit import take_notes

    take_notes()
    with pytest.raises(ValueError, match="one line of 1 to 160 characters"):
        note(bad)
    assert take_notes() == []


def test_more_than_five_distinct_notes_in_a_test_is_a_grader_bug() -> None:
    from zendo.judge import note
    from zendo.judge.toolkit import take_notes

    take_notes()
    for number in range(5):
        note(f"Part {number} did not run here.")
        note(f"Part {number} did not run here.")  # the same twice counts once
    with pytest.raises(ValueError, match="at most 5 distinct notes"):
        note("Part 5 did not run here.")
    assert take_notes() == [f"Part {number} did not run here." for number in range(5)]
    assert take_notes() == []
