"""The batch judge (issue 12): graders collected once per batch, a fresh judge per submission.

`zendo grade` judges v2 lessons with `zendo.judge.batch`: per worker, one trusted process
collects a lesson's graders once and forks a child per submission, and the next child
boots its spare sandboxes while the current submission is graded. This proves, through
`zendo grade` as an instructor runs it, that what made that cheap shares nothing between
submissions: the graders' module state starts empty for every submission, no submission
sees another's files (each exercise of each submission has its own sandbox, spares
included), a submission that runs out of time leaves the next one's verdict alone, and a
batch's verdicts equal those of the cold judge that `zendo check` uses.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import zendo._batch as batch_module
from tests.conftest import REPO, replace_cells
from zendo._batch import find_submissions, grade_batch
from zendo._course import load_course
from zendo._extract import extract_from_notebook
from zendo._forkserver import ForkServer
from zendo._grade import grade_sources
from zendo._limits import Limits
from zendo.judge.batch import BatchJudge

pytestmark = pytest.mark.slow  # real batches of real sandboxes

ZENDO = Path(sys.executable).with_name("zendo")
ANCHOR = REPO / "benchmarks" / "anchor"

PROBE_LESSON = """\
slug = "probe"
title = "Probes of the batch judge"
minutes = 5
grader_api = 2
questions = ["Does one submission's judging reach another's?"]
objectives = ["Show that nothing is shared between submissions."]
key_points = ["A fresh judge and fresh sandboxes per submission."]

[[exercises]]
id = "probe.first"
title = "The first probe"
points = 1
minutes = 1
hint_levels = ["Return the name."]
timeout_seconds = 3

[[exercises]]
id = "probe.second"
title = "The second probe"
points = 1
minutes = 1
hint_levels = ["Return the name."]
timeout_seconds = 3
"""
# Module state in the graders: each submission's judge must start with it empty.
PROBE_GRADERS = '''\
"""Graders that remember what they saw, to show that no submission's judge sees another's."""

from __future__ import annotations

from zendo.judge import Learner, exercise, expect

SEEN: list[object] = []


@exercise("probe.first", title="The graders saw no other submission before this one")
def test_first_sees_no_other(learner: Learner) -> None:
    mine = learner.call("name").value
    expect(all(seen == mine for seen in SEEN), f"{mine!r}: the graders had seen {SEEN!r}.")
    SEEN.append(mine)
    expect(learner.call("found").value == [], "Files were in /tmp or /shared before this code.")


@exercise("probe.second", title="Its own sandbox: no file of the first exercise")
def test_second_has_its_own_sandbox(learner: Learner) -> None:
    mine = learner.call("name").value
    expect(all(seen == mine for seen in SEEN), f"{mine!r}: the graders had seen {SEEN!r}.")
    SEEN.append(mine)
    expect(learner.call("found").value == [], "Files were in /tmp or /shared before this code.")
'''


def probe_cell(exercise_id: str, name: str, *, endless: bool = False) -> str:
    """An exercise cell that lists what /tmp and /shared held when it loaded, then marks both."""
    body = "    while True:\n        pass\n" if endless else f"    return {name!r}\n"
    return (
        f"# exercise: {exercise_id}\n"
        + textwrap.dedent(
            """\
            import os

            FOUND = sorted(os.listdir("/tmp") + os.listdir("/shared"))
            for folder in ("/tmp", "/shared"):
                with open(os.path.join(folder, "mark"), "w") as mark:
                    mark.write("here")


            def found():
                return FOUND


            def name():
            """
        )
        + body
    )


def probe_notebook(path: Path, name: str, *, endless: bool = False) -> Path:
    cells = [
        {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": "# Probe"},
        *(
            {
                "cell_type": "code",
                "id": exercise_id.replace(".", "-"),
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": probe_cell(exercise_id, name, endless=endless and number == 0),
            }
            for number, exercise_id in enumerate(["probe.first", "probe.second"])
        ),
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def probe_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("probe-course")
    (root / "course").mkdir()
    (root / "course" / "course.toml").write_text('title = "Probe"\nversion = "1"\n')
    (root / "course" / "01_probe.toml").write_text(PROBE_LESSON)
    (root / "tests" / "graders").mkdir(parents=True)
    (root / "tests" / "graders" / "test_01_probe.py").write_text(PROBE_GRADERS)
    return root


def grade(course: Path, folder: Path, jobs: int) -> dict[str, dict[str, Any]]:
    run = subprocess.run(
        [ZENDO, "--course", course, "grade", folder, "--format", "json", "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode in (0, 1), run.stderr
    return {entry["learner"]: entry for entry in json.loads(run.stdout)["submissions"]}


def test_no_submission_sees_another_ones_judge_or_files(probe_course: Path, tmp_path: Path) -> None:
    """Five learners, one worker: each starts from empty graders, /tmp and /shared."""
    names = ["ada", "bob", "cy", "dee", "eve"]
    for name in names:
        probe_notebook(tmp_path / name / "01_probe.ipynb", name)
    graded = grade(probe_course, tmp_path, jobs=1)
    assert sorted(graded) == names
    for name, result in graded.items():
        messages = [t["message"] for e in result["exercises"] for t in e["tests"]]
        assert (result["status"], result["points"]) == ("pass", 2), (name, messages)


def test_a_submission_out_of_time_leaves_the_next_ones_alone(
    probe_course: Path, tmp_path: Path
) -> None:
    probe_notebook(tmp_path / "a_slow" / "01_probe.ipynb", "slow", endless=True)
    probe_notebook(tmp_path / "b_next" / "01_probe.ipynb", "next")
    probe_notebook(tmp_path / "c_last" / "01_probe.ipynb", "last")
    graded = grade(probe_course, tmp_path, jobs=1)
    slow = {e["id"]: e["status"] for e in graded["a_slow"]["exercises"]}
    assert slow == {"probe.first": "timeout", "probe.second": "pass"}
    assert (graded["b_next"]["status"], graded["b_next"]["points"]) == ("pass", 2)
    assert (graded["c_last"]["status"], graded["c_last"]["points"]) == ("pass", 2)


def test_a_judge_child_that_ends_without_its_results_is_that_submissions_error(
    tmp_path: Path,
) -> None:
    """A child says when its results are written; one that ends first (here a grader
    that exits the judge for one learner) must neither hang the batch nor touch the
    others' verdicts."""
    root = tmp_path / "course"
    (root / "course").mkdir(parents=True)
    (root / "course" / "course.toml").write_text('title = "Probe"\nversion = "1"\n')
    (root / "course" / "01_probe.toml").write_text(PROBE_LESSON)
    (root / "tests" / "graders").mkdir(parents=True)
    exits = PROBE_GRADERS.replace(
        '    mine = learner.call("name").value\n',
        '    mine = learner.call("name").value\n    if mine == "crash":\n'
        "        import os\n\n        os._exit(7)\n",
        1,
    )
    assert exits != PROBE_GRADERS
    (root / "tests" / "graders" / "test_01_probe.py").write_text(exits)
    folder = tmp_path / "submissions"
    for name in ("a_before", "crash", "c_after"):
        probe_notebook(folder / name / "01_probe.ipynb", "crash" if name == "crash" else name)
    graded = grade(root, folder, jobs=1)
    assert graded["crash"]["status"] == "error"
    assert (graded["a_before"]["status"], graded["a_before"]["points"]) == ("pass", 2)
    assert (graded["c_after"]["status"], graded["c_after"]["points"]) == ("pass", 2)


def test_a_batch_gives_the_cold_judges_verdicts(tmp_path: Path) -> None:
    """The anchor submissions judged in one batch, and each by a cold judge of its own."""
    reference = ANCHOR / "solutions" / "01_anchor.ipynb"
    notebooks = {
        "good": ANCHOR / "submissions" / "good.ipynb",
        "bad": ANCHOR / "submissions" / "bad.ipynb",
        "starter": ANCHOR / "exercises" / "01_anchor.ipynb",
    }
    for learner, notebook in notebooks.items():
        (tmp_path / learner).mkdir()
        shutil.copy(notebook, tmp_path / learner / "01_anchor.ipynb")
    wrong = "# exercise: anchor.isbn10\ndef is_valid_isbn10(code):\n    return 1 / 0\n"
    (tmp_path / "raiser").mkdir()
    replace_cells(reference, {"anchor.isbn10": wrong}, tmp_path / "raiser" / "01_anchor.ipynb")
    course = load_course(ANCHOR)
    (lesson,) = course.lessons
    exercises = list(lesson.data.exercises)
    batch = grade_batch(
        course, find_submissions([tmp_path], course), jobs=1, limits=Limits(), done=None
    )
    assert len(batch) == 4
    for result in batch:
        notebook = tmp_path / result.learner / "01_anchor.ipynb"
        sources = extract_from_notebook(notebook, [e.id for e in exercises])
        cold = grade_sources(course, sources, exercises, Limits(), "cold", with_hidden=True)
        assert _verdicts(result.model_dump()) == _verdicts(cold.model_dump()), result.learner
    raiser = next(result for result in batch if result.learner == "raiser")
    assert raiser.points == 4


def test_two_threads_of_one_worker_share_its_batch_judge_one_job_at_a_time() -> None:
    """A worker's two threads (one judged, one preparing) may hand their jobs to its batch
    judge at the same moment: each is judged in turn and gets its own verdict."""
    course = load_course(ANCHOR)
    (lesson,) = course.lessons
    exercises = list(lesson.data.exercises)
    ids = [exercise.id for exercise in exercises]
    sources = {
        kind: extract_from_notebook(ANCHOR / "submissions" / f"{kind}.ipynb", ids)
        for kind in ("good", "bad")
    }
    server = ForkServer()
    if server.judge is None:
        pytest.skip("no warm judge where processes cannot fork")
    server.judge = BatchJudge()

    def judged(kind: str) -> float:
        result = grade_sources(
            course, sources[kind], exercises, Limits(), kind, server, with_hidden=True
        )
        return result.points

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            points = list(pool.map(judged, ["good", "bad"] * 4))
    finally:
        server.close()
    assert points == [6.0, 2.0] * 4


def test_a_worker_whose_judge_is_not_a_batch_judge_judges_in_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A worker's two threads share its launcher. A judge other than the batch judge (here
    a notebook's warm judge) is not to be given two jobs at once: the worker's lock takes
    them in turn. Without it, the two threads read each other's answers, and every job
    was judged cold after a minute's wait."""
    for number, kind in enumerate(["good", "bad"] * 2):
        (tmp_path / f"{kind}{number}").mkdir()
        shutil.copy(ANCHOR / "submissions" / f"{kind}.ipynb", tmp_path / f"{kind}{number}")
        (tmp_path / f"{kind}{number}" / f"{kind}.ipynb").rename(
            tmp_path / f"{kind}{number}" / "01_anchor.ipynb"
        )
    monkeypatch.setattr(batch_module, "_worker_server", ForkServer)
    course = load_course(ANCHOR)
    with caplog.at_level(logging.WARNING, logger="zendo"):
        results = grade_batch(course, find_submissions([tmp_path], course), jobs=1, limits=Limits())
    assert [(result.source.split("/")[0], result.points) for result in results] == [
        ("bad1", 2.0), ("bad3", 2.0), ("good0", 6.0), ("good2", 6.0),
    ]  # fmt: skip
    assert [record.getMessage() for record in caplog.records] == []


def test_a_money_batch_gives_the_cold_judges_verdicts(tmp_path: Path) -> None:
    """Hypothesis properties and mypy: the batch judge finds the cold judge's examples."""
    course = load_course(REPO)
    lesson = course.lesson("money")
    exercises = list(lesson.data.exercises)
    reference = REPO / "solutions" / "05_money.ipynb"
    (tmp_path / "reference").mkdir()
    shutil.copy(reference, tmp_path / "reference" / "05_money.ipynb")
    wrong = REPO / "tests" / "graders" / "wrong"
    for number in range(2):  # two notebooks, each with a wrong answer in every exercise
        cells = {
            exercise.id: sorted((wrong / exercise.id).glob("*.py"))[number].read_text()
            for exercise in exercises
            if (wrong / exercise.id).is_dir()
        }
        (tmp_path / f"wrong{number}").mkdir()
        replace_cells(reference, cells, tmp_path / f"wrong{number}" / "05_money.ipynb")
    batch = grade_batch(course, find_submissions([tmp_path], course), jobs=1, limits=Limits())
    assert [result.learner for result in batch] == ["reference", "wrong0", "wrong1"]
    assert batch[0].points == batch[0].max_points
    for result in batch[1:]:  # every exercise holds a known wrong answer
        assert all(exercise.points < exercise.max_points for exercise in result.exercises)
    for result in batch:
        notebook = tmp_path / result.learner / "05_money.ipynb"
        sources = extract_from_notebook(notebook, [e.id for e in exercises])
        cold = grade_sources(course, sources, exercises, Limits(), "cold", with_hidden=True)
        assert _verdicts(result.model_dump()) == _verdicts(cold.model_dump()), result.learner


def test_a_batch_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    """Nothing a batch made stays behind: not mypy's config (each judge writes it once,
    in its own folder: forked children never run exit handlers), not the folder of the
    spare sandbox the last standby child had booted when the engine killed it."""
    # A short temporary folder, as /tmp is: the judge then nests its sandboxes' folders
    # in its own (a long one keeps them beside it, for the sockets' path limit).
    temporary = Path(tempfile.mkdtemp(prefix="zt-", dir="/tmp"))
    try:
        for learner in ("ada", "bob"):
            (tmp_path / "class" / learner).mkdir(parents=True)
            shutil.copy(REPO / "solutions" / "05_money.ipynb", tmp_path / "class" / learner)
        done = subprocess.run(
            [ZENDO, "--course", REPO, "grade", tmp_path / "class", "--jobs", "1",
             "--gradebook", tmp_path / "gradebook.json"],
            capture_output=True, text=True, timeout=300, check=False,
            env={**os.environ, "TMPDIR": str(temporary)},
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert sorted(path.name for path in temporary.iterdir()) == []
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _verdicts(result: dict[str, Any]) -> list[tuple[object, ...]]:
    return [
        (exercise["id"], exercise["points"], test["name"], test["status"], test["message"])
        for exercise in result["exercises"]
        for test in exercise["tests"]
    ]


def small_lesson(number: int) -> tuple[str, str]:
    """A one-exercise v2 lesson `0N_part` and its graders."""
    lesson = textwrap.dedent(
        f"""\
        slug = "part{number}"
        title = "Part {number}"
        minutes = 1
        grader_api = 2
        questions = ["Is part {number} graded?"]
        objectives = ["Return the part's number."]
        key_points = ["One exercise."]

        [[exercises]]
        id = "part{number}.only"
        title = "The only exercise"
        points = 1
        minutes = 1
        hint_levels = ["Return {number}."]
        timeout_seconds = 3
        """
    )
    graders = textwrap.dedent(
        f"""\
        from zendo.judge import Learner, exercise, expect


        @exercise("part{number}.only", title="Returns its part's number")
        def test_part_{number}(learner: Learner) -> None:
            expect(learner.call("part").value == {number}, "part() is not {number}.")
        """
    )
    return lesson, graders


def test_a_learners_course_copy_is_judged_lesson_by_lesson(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two learners' copies of a four-lesson course: four batch judges, not eight.

    A worker keeps at most three batch judges; taken learner by learner, four lessons
    would stop and start one for every notebook.
    """
    root = tmp_path / "course"
    (root / "course").mkdir(parents=True)
    (root / "course" / "course.toml").write_text('title = "Parts"\nversion = "1"\n')
    (root / "tests" / "graders").mkdir(parents=True)
    for number in range(1, 5):
        lesson, graders = small_lesson(number)
        (root / "course" / f"0{number}_part{number}.toml").write_text(lesson)
        (root / "tests" / "graders" / f"test_0{number}_part{number}.py").write_text(graders)
    class_folder = tmp_path / "class"
    for learner in ("ada", "bob"):
        for number in range(1, 5):
            cell = f"# exercise: part{number}.only\ndef part():\n    return {number}\n"
            notebook = {
                "cells": [
                    {
                        "cell_type": "code",
                        "id": "only",
                        "metadata": {},
                        "execution_count": None,
                        "outputs": [],
                        "source": cell,
                    }
                ],
                "metadata": {},
                "nbformat": 4,
                "nbformat_minor": 5,
            }
            path = class_folder / learner / "exercises" / f"0{number}_part{number}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(notebook), encoding="utf-8")
    course = load_course(root)
    caplog.set_level("INFO", logger="zendo.judge.warm")
    results = grade_batch(course, find_submissions([class_folder], course), jobs=1, limits=Limits())
    assert [(r.source, r.points) for r in results] == [
        (f"{learner}/0{number}_part{number}.ipynb", 1)
        for learner in ("ada", "bob")
        for number in range(1, 5)
    ]
    started = [
        record
        for record in caplog.records
        if record.message == "Started a judge server"
        and getattr(record, "server", None) == "batch judge"
    ]
    assert len(started) == 4


def test_a_judge_started_early_serves_the_first_worker_and_one_left_over_is_stopped(
    tmp_path: Path,
) -> None:
    """`zendo grade` starts the first worker's batch judge before reading the course."""
    from zendo import _batch

    for learner in ("good", "bad"):
        (tmp_path / learner).mkdir()
        shutil.copy(
            ANCHOR / "submissions" / f"{learner}.ipynb", tmp_path / learner / "01_anchor.ipynb"
        )
    course = load_course(ANCHOR)
    _batch.start_worker_early()
    [early] = _batch._early
    assert isinstance(early.judge, BatchJudge)
    assert early.judge._early is not None
    started = early.judge._early.pid
    assert started is not None
    batch = grade_batch(course, find_submissions([tmp_path], course), jobs=1, limits=Limits())
    assert sorted(result.points for result in batch) == [2, 6]
    assert _batch._early == []  # the first worker took it, and graded with that process
    assert not _alive(started)  # stopped with the batch, not left running
    _batch.start_worker_early()
    [unused] = _batch._early
    assert isinstance(unused.judge, BatchJudge)
    assert unused.judge._early is not None
    leftover = unused.judge._early.pid
    _batch.discard_early_worker()
    assert _batch._early == []
    assert leftover is not None
    assert not _alive(leftover)


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
