"""The warm judge: the same verdicts as a cold judge, faster, and nothing kept between jobs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from zendo._course import Course, Lesson, load_course
from zendo._forkserver import ForkServer
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._results import Status

COURSE_V2 = Path(__file__).parent / "fixtures" / "course_v2"
WRONG_SPLIT = (
    "# exercise: calc.split\ndef split(total, count):\n    return [total // count] * count\n"
)
LOOP_SPLIT = "# exercise: calc.split\ndef split(total, count):\n    while True:\n        pass\n"


@pytest.fixture
def course(tmp_path: Path) -> Course:
    root = tmp_path / "course"
    shutil.copytree(COURSE_V2, root)
    return load_course(root)


def _lesson(course: Course) -> Lesson:
    return next(lesson for lesson in course.lessons if lesson.data.exercises)


def _points(
    course: Course, notebook: Path, server: ForkServer | None
) -> list[tuple[str, str, float]]:
    exercises = _lesson(course).data.exercises
    result = grade_notebook(course, notebook, exercises, Limits(), server)
    return [(e.id, e.status.value, e.points) for e in result.exercises]


@pytest.mark.slow
def test_a_warm_judge_gives_the_cold_verdicts(course: Course, tmp_path: Path) -> None:
    lesson = _lesson(course)
    solution = lesson.notebook_path(course.root, "solutions")
    wrong = replace_cells(solution, {"calc.split": WRONG_SPLIT}, tmp_path / "wrong.ipynb")
    starter = lesson.notebook_path(course.root, "exercises")
    server = ForkServer()
    try:
        assert server.judge is not None
        for notebook in (solution, wrong, starter, solution):
            assert _points(course, notebook, server) == _points(course, notebook, None)
    finally:
        server.close()


@pytest.mark.slow
def test_a_warm_judge_reads_graders_afresh_and_survives_a_timeout(
    course: Course, tmp_path: Path
) -> None:
    lesson = _lesson(course)
    solution = lesson.notebook_path(course.root, "solutions")
    server = ForkServer()
    try:
        before = _points(course, solution, server)
        assert all(status == "pass" for _, status, _ in before)
        # An author edits a grader between two checks: the next check uses the new one.
        [grader] = lesson.grader_files(course.root)
        grader.write_text(
            grader.read_text(encoding="utf-8")
            + "\n\n@exercise('calc.split', title='Always fails now')\n"
            "def test_split_newly_added(learner):\n"
            "    fail('a check the author just added', hint='lost_unit')\n",
            encoding="utf-8",
        )
        after = {exercise: status for exercise, status, _ in _points(course, solution, server)}
        assert after["calc.split"] == Status.FAIL.value
        # A learner's endless loop ends as that check's timeout; the judge stays usable.
        looping = replace_cells(solution, {"calc.split": LOOP_SPLIT}, tmp_path / "loop.ipynb")
        statuses = {e: s for e, s, _ in _points(course, looping, server)}
        assert statuses["calc.split"] == Status.TIMEOUT.value
        statuses = {e: s for e, s, _ in _points(course, solution, server)}
        assert statuses["calc.money"] == Status.PASS.value
    finally:
        server.close()


def test_every_judge_draws_examples_from_the_graders_strategies_alone() -> None:
    """Hypothesis's pool of constants from local modules would differ between judges."""
    probe = (
        "import sys; from zendo.judge.runner import prepare_judge; prepare_judge(); "
        "import zendo.judge.warm, zendo._batch; "  # more local modules, loaded late
        "from hypothesis.internal.conjecture import providers; "
        "print(len(providers._get_local_constants()))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"


# A notebook kernel's engine, killed after one check (a kernel restarted or shut down
# with no time to clean up): its warm judge ends on its own and leaves nothing behind.
KILLED_KERNEL = """\
import os, signal, sys, tempfile
from pathlib import Path
from zendo._course import load_course
from zendo._forkserver import ForkServer
from zendo._grade import grade_notebook
from zendo._limits import Limits

course = load_course(Path(sys.argv[1]))
lesson = next(lesson for lesson in course.lessons if lesson.data.exercises)
solution = lesson.notebook_path(course.root, "solutions")
server = ForkServer()
result = grade_notebook(course, solution, lesson.data.exercises, Limits(), server)
# What the judge made in the temporary folder, counted before the kill: once the kernel
# is gone, the judge may remove it before the test can look.
made = len(os.listdir(tempfile.gettempdir()))
print(result.exercises[0].status.value, server.judge.pid, made, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
def test_a_warm_judge_whose_kernel_is_killed_removes_its_folder(course: Course) -> None:
    # A short temporary folder, as /tmp is: the judge nests its sandboxes' folders in its own.
    temporary = Path(tempfile.mkdtemp(prefix="zt-", dir="/tmp"))
    try:
        done = subprocess.run(
            [sys.executable, "-c", KILLED_KERNEL, str(course.root)],
            capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "TMPDIR": str(temporary)},
        )  # fmt: skip
        status, judge, made = done.stdout.split()
        assert status == "pass", done.stderr[-2000:]
        assert int(made) > 0  # the judge's folder, its standby's spares inside
        deadline = time.monotonic() + 10
        while (_alive(int(judge)) or any(temporary.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(int(judge)), "the warm judge outlived its kernel"
        assert sorted(path.name for path in temporary.iterdir()) == []
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
