"""Spare sandboxes: started ahead by the warm judge, never carrying anything between checks.

The warm judge forks each job's child ahead of the job; that child starts sandboxes shaped
like the previous job's (observer started, set-up cell's imports done) so a check finds
its sandbox running. These tests grade through the engine's own entry point for the
notebook (`grade_notebook` with the kernel's `ForkServer`), on the v2 fixture course, and
look at real processes.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from tests.test_v2_sandbox import processes_with
from zendo._course import Course, load_course
from zendo._forkserver import ForkServer
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo.judge import runner, tools
from zendo.judge.client import Learner
from zendo.judge.job import ExerciseSpec, JudgeJob
from zendo.judge.sandbox import Isolation, Sandbox, SandboxLimits
from zendo.judge.spare import (
    POOL,
    SparePool,
    SpareShape,
    grader_imports,
    leading_imports,
    preload_for,
)
from zendo.judge.tools import run_mypy

COURSE_V2 = Path(__file__).parent / "fixtures" / "course_v2"
MARK = "zendo-spare-mark"
# What a sandbox shows of the outside: this check's own marks, and processes but itself.
_LOOK = f"""
import os, time

def _others():
    return [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())]

def _age():
    with open("/proc/self/stat") as stat:
        started = int(stat.read().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    with open("/proc/uptime") as uptime:
        return float(uptime.read().split()[0]) - started

def _right(total, count):
    if count < 1:
        raise ValueError("count must be at least 1")
    share, extra = divmod(total, count)
    return [share + 1] * extra + [share] * (count - extra)

def _wrong(total, count):
    return [0] * max(count, 0)

_seen = [os.path.exists("/tmp/{MARK}"), os.path.exists("/shared/{MARK}"), bool(_others())]
"""
# Check 1 leaves a file in /tmp and in /shared and a process running; it is right only if
# it sees all three itself (so the looking works).
LEAVES_TRACES = (
    "# exercise: calc.split\n"
    + _LOOK
    + f"""
open("/tmp/{MARK}", "w").write("1")
open("/shared/{MARK}", "w").write("1")
if os.fork() == 0:
    time.sleep(120)
    os._exit(0)
_seen = [os.path.exists("/tmp/{MARK}"), os.path.exists("/shared/{MARK}"), bool(_others())]
split = _right if all(_seen) else _wrong
"""
)
# Check 2 is right only if it sees none of that, in a sandbox started well before its
# code arrived (a spare: its observer is older than the pause between the checks).
SEES_NOTHING = (
    "# exercise: calc.split\n"
    + _LOOK
    + """
split = _right if not any(_seen) and _age() > 0.5 else _wrong
"""
)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    if shutil.which("bwrap") is None:
        pytest.fail(
            "spares are checked inside bubblewrap, which this machine lacks: "
            "sudo apt-get install -y bubblewrap (make test does it as root)"
        )
    root = tmp_path / "course"
    shutil.copytree(COURSE_V2, root)
    return load_course(root)


def _split_status(course: Course, notebook: Path, server: ForkServer) -> str:
    [split] = [exercise for exercise in course.exercises if exercise.id == "calc.split"]
    result = grade_notebook(course, notebook, [split], Limits(), server)
    return result.exercises[0].status.value


def _descendants(root: int) -> set[int]:
    """Live host pids below `root` (by parent links) running a sandbox's observer."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found = set()
    for pid in parents:
        ancestor = parents.get(pid)
        while ancestor is not None and ancestor > 1:
            if ancestor == root:
                found.add(pid)
                break
            ancestor = parents.get(ancestor)
    return found & set(processes_with("/run/zendo"))


def _wait_for_spares(root: int) -> set[int]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        spares = _descendants(root)
        if spares:
            return spares
        time.sleep(0.05)
    return set()


def _alive(pids: set[int]) -> set[int]:
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


@pytest.mark.slow
def test_a_spare_carries_nothing_from_the_check_before(course: Course, tmp_path: Path) -> None:
    solution = course.root / "solutions" / "01_calc.ipynb"
    first = replace_cells(solution, {"calc.split": LEAVES_TRACES}, tmp_path / "first.ipynb")
    second = replace_cells(solution, {"calc.split": SEES_NOTHING}, tmp_path / "second.ipynb")
    server = ForkServer()
    try:
        assert server.judge is not None
        assert _split_status(course, first, server) == "pass"  # it saw its own traces
        judge = server.judge.pid
        assert judge is not None
        waiting = _wait_for_spares(judge)
        assert waiting, "the warm judge started no spare after the first check"
        time.sleep(1.0)  # the spare is older than this when the next check's code loads
        assert _split_status(course, second, server) == "pass"  # in a spare, it saw nothing
        deadline = time.monotonic() + 10
        while _alive(waiting) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(waiting), "a spare outlived the check that used it"
        assert not Path(f"/tmp/{MARK}").exists()  # noqa: S108 - the sandbox's /tmp was its own
    finally:
        server.close()


@pytest.mark.slow
def test_spares_die_with_the_warm_judge(course: Course) -> None:
    solution = course.root / "solutions" / "01_calc.ipynb"
    server = ForkServer()
    try:
        assert server.judge is not None
        assert _split_status(course, solution, server) == "pass"
        judge = server.judge.pid
        assert judge is not None
        spares = _wait_for_spares(judge)
        assert spares
    finally:
        server.close()
    deadline = time.monotonic() + 10
    while _alive(spares) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(spares), f"spares left behind: {sorted(_alive(spares))}"


def test_the_first_imports_are_the_setup_cells_and_the_cells_leading_imports() -> None:
    source = (
        "from __future__ import annotations\n"
        "import os.path, json\n"
        "from pydantic import BaseModel\n"
        "from . import sibling\n"
        "try:\n    import yaml\nexcept ImportError:\n    pass\n"
        "import json\n"
        "# exercise: x.y\n"
        '"""The docstring of the cell."""\n'
        "import this\n"  # the standard library's, in the cell: left to the cell
        "from fastapi import FastAPI\n"
        "LIMIT = 3\n"
        "import httpx\n"  # after another statement: runs later, so never ahead
    )
    assert leading_imports(source, cell_start_line=10) == (
        "os.path", "json", "pydantic", "fastapi"
    )  # fmt: skip
    assert leading_imports("def broken(:\n# exercise: x.y\nimport yaml\n", 2) == ("yaml",)
    assert leading_imports("import json\n# exercise: x.y\ndef broken(:\n", 2) == ("json",)


def test_a_sandbox_also_preloads_what_the_exercises_graders_declare() -> None:
    grader_imports("x.served", "uvicorn")
    grader_imports("x.served", "uvicorn", "json")  # declared twice: once in the list
    source = "import json\n# exercise: x.served\nimport httpx\n"
    assert preload_for("x.served", source, 2) == ("json", "httpx", "uvicorn")
    assert preload_for("x.other", source, 2) == ("json", "httpx")


def test_a_pool_hands_each_spare_out_once_and_kills_the_rest() -> None:
    isolation = Isolation.BUBBLEWRAP if shutil.which("bwrap") else Isolation.NONE
    shape = SpareShape(SandboxLimits(), isolation, ("json",))
    pool = SparePool()
    pool.launch([shape, shape])
    pool.greet()
    first = pool.take(SpareShape(SandboxLimits(), isolation, ("json", "decimal")))
    assert first is not None
    assert first.greeted
    # A spare whose imports the submission's set-up does not make is never handed out.
    assert pool.take(SpareShape(SandboxLimits(), isolation, ("decimal",))) is None
    left = pool.take(shape)
    assert left is not None
    assert pool.take(shape) is None
    pool.launch([shape])
    [waiting] = [spare.sandbox.process for spare in pool._spares if spare.sandbox.process]
    pool.close()
    assert waiting.poll() is not None
    # The spare handed out loads a submission delivered after it started.
    first.sandbox.deliver("late_module", "ANSWER = 42\n")
    learner = Learner(
        sandbox=first.sandbox,
        budget_seconds=10,
        preload=("json", "decimal"),
        preloaded=first.shape.preload,
        greeted=True,
    )
    try:
        learner.start()
        assert learner.get("ANSWER").value == 42
        listed = learner.stdlib("os").call(
            "listdir", str(Path(first.sandbox.submission_path).parent)
        )
        assert listed.value == ["late_module.py"]  # the spare's stand-in file is gone
    finally:
        learner.close()
        left.sandbox.close()


def test_the_observer_refuses_a_preload_that_is_not_module_names() -> None:
    isolation = Isolation.BUBBLEWRAP if shutil.which("bwrap") else Isolation.NONE
    sandbox = Sandbox(module="m", source="X = 1\n", isolation=isolation)
    sandbox.start()
    try:
        fine = sandbox.request({"id": 1, "op": "preload", "modules": ["json", "no_such_mod"]}, 10)
        assert [item["v"] for item in fine["ok"]["v"]] == ["json"]  # the missing one skipped
        bad = sandbox.request({"id": 2, "op": "preload", "modules": ["os; import this"]}, 10)
        assert "fault" in bad
    finally:
        sandbox.close()


def test_a_mypy_run_on_a_seed_copied_ahead_finds_what_a_fresh_copy_finds() -> None:
    files = {"typed.py": "def mean(values):\n    return sum(values) / len(values)\n"}
    fresh = run_mypy(files)
    assert fresh.findings  # untyped: mypy --strict has something to say
    tools.copy_seed_ahead(2)
    ahead = run_mypy(files)
    assert ahead.findings == fresh.findings
    assert ahead.exit_code == fresh.exit_code
    assert len(tools._seed_copies) == 1  # one copy used, one left
    [(_, _, left)] = tools._seed_copies
    tools.discard_seed_copies()
    assert not left.exists()


@pytest.mark.slow
def test_a_check_survives_the_loss_of_the_job_child_forked_ahead(course: Course) -> None:
    solution = course.root / "solutions" / "01_calc.ipynb"
    server = ForkServer()
    try:
        assert server.judge is not None
        assert _split_status(course, solution, server) == "pass"
        judge = server.judge.pid
        assert judge is not None
        _wait_for_spares(judge)
        children = [
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _parent(int(entry.name)) == judge
        ]
        assert len(children) == 1  # the next job's child, waiting with its spares
        os.kill(children[0], signal.SIGKILL)
        time.sleep(0.2)
        assert _split_status(course, solution, server) == "pass"
    finally:
        server.close()


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def test_a_pool_tops_up_only_the_shapes_no_waiting_spare_fits() -> None:
    isolation = Isolation.BUBBLEWRAP if shutil.which("bwrap") else Isolation.NONE
    pool = SparePool()
    pool.launch([SpareShape(SandboxLimits(), isolation, ("json",))])
    try:
        # A spare importing part of what is wanted serves it (the learner imports the
        # rest): no second sandbox boots for it.
        pool.top_up([SpareShape(SandboxLimits(), isolation, ("json", "decimal"))])
        assert len(pool._spares) == 1
        pool.top_up([SpareShape(SandboxLimits(), isolation, ("decimal",))])
        assert len(pool._spares) == 2
    finally:
        pool.close()


def test_a_cold_judge_boots_the_sandbox_its_one_exercise_takes_before_collecting() -> None:
    isolation = Isolation.BUBBLEWRAP if shutil.which("bwrap") else Isolation.NONE
    source = "import json\n# exercise: x.booted\nANSWER = 42\n"
    limits = Limits()
    job = JudgeJob(
        grader_files=[],
        exercises=[
            ExerciseSpec(
                exercise_id="x.booted",
                module="x_booted",
                source=source,
                cell_start_line=2,
                timeout_seconds=5,
            )
        ],
        memory_mb=limits.memory_mb,
        max_file_mb=limits.max_file_mb,
        max_processes=limits.max_processes,
        max_output_chars=limits.max_output_chars,
        isolation=isolation,
        results_path="unused.json",
    )
    runner._boot_ahead(job)  # before the graders are collected: their imports unknown
    grader_imports("x.booted", "decimal")  # what collecting them then declares
    wanted = SpareShape(job.sandbox_limits(), isolation, preload_for("x.booted", source, 2))
    assert wanted.preload == ("json", "decimal")
    spare = POOL.take(wanted)  # as the plugin takes it for the exercise's learner
    try:
        assert spare is not None
        assert POOL.take(wanted) is None  # one sandbox, not two
        spare.sandbox.deliver("x_booted", source)
        learner = Learner(
            sandbox=spare.sandbox,
            budget_seconds=10,
            preload=wanted.preload,
            preloaded=spare.shape.preload,
        )
        learner.start()
        assert learner.get("ANSWER").value == 42
        learner.close()
    finally:
        POOL.close()
