"""Grading on every platform: the portable path, forced on Linux, and what all paths share.

The portable path is what Windows gets: no fork server, no `resource`, no `/proc`, no
process groups, no SIGALRM. Tests force it by passing `PORTABLE` to the launcher, so it
runs in `make test` on Linux. The money lesson is graded the v2 way, which has no v1
launcher: its own proofs (tests/test_course.py) run unchanged through v2 grading
without bubblewrap, the unsandboxed mode, over the stdin/stdout transport Windows uses. Then time limits, output caps, imports without
POSIX-only modules, and the cgroup a failed run must not leave behind.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import tests.test_course as course_proofs
from tests.conftest import REPO, NotebookMaker
from zendo._course import Course
from zendo._extract import ExerciseSource
from zendo._forkserver import ForkServer
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._platform import PORTABLE, Platform
from zendo._results import ExerciseResult, Status
from zendo._sandbox import GradingJob, SpawnLauncher, run_graders
from zendo.judge import lesson as judge_lesson_module
from zendo.judge.lesson import JudgeRun
from zendo.judge.sandbox import ALLOW_UNSANDBOXED_ENV, Isolation
from zendo.render.html import render_exercise_html
from zendo.render.terminal import render_exercise_lines

MONEY = course_proofs.COURSE.lesson("money")
MONEY_WRONG = [w for w in course_proofs.WRONG_ANSWERS if w.exercise_id.startswith("money.")]
AS_ROOT = os.geteuid() == 0
GREET = "# exercise: demo.greet\n"


class WatchingLauncher(SpawnLauncher):
    """A real SpawnLauncher that also notes each job it launched and what was around it."""

    def __init__(self, platform: Platform | None = None) -> None:
        super().__init__(platform)
        self.jobs: list[dict[str, object]] = []
        self.cgroups_at_launch: list[list[Path]] = []
        self.stdout_sizes: list[int] = []

    def launch(
        self, job_path: Path, workdir: Path, private: Path, timeout: float, nonce: str
    ) -> int | None:
        self.jobs.append(json.loads(job_path.read_text(encoding="utf-8")))
        self.cgroups_at_launch.append(our_cgroups())
        code = super().launch(job_path, workdir, private, timeout, nonce)
        self.stdout_sizes.append((private / "stdout").stat().st_size)
        return code


def our_cgroups() -> list[Path]:
    """The pids cgroups this test process's grading runs made (v1 or v2 layout)."""
    pattern = f"run-{os.getpid()}-*"
    return sorted(
        path
        for base in (Path("/sys/fs/cgroup/pids/zendo"), Path("/sys/fs/cgroup/zendo"))
        for path in base.glob(pattern)
    )


def assert_ran_portably(launcher: WatchingLauncher) -> None:
    assert launcher.jobs, "nothing was graded"
    for job in launcher.jobs:
        assert job["platform"] == PORTABLE.as_json()
        plan = job["plan"]
        assert isinstance(plan, dict)
        assert (plan["rlimits"], plan["max_processes"], plan["cgroup"]) == (False, None, None)
        assert (plan["isolate_network"], plan["run_as_uid"]) == (False, None)


@pytest.fixture
def unsandboxed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Isolation]:
    """Run tests/test_course.py's proofs as v2 grading runs where bubblewrap is missing.

    The money lesson is graded the v2 way (grader_api = 2), which never uses the v1
    launchers: its portable path is the judge without a sandbox, what a Linux machine
    without `bwrap` gets with the opt-in (and macOS always). `bwrap` is made unfindable
    as on such a machine (a PATH without it) and the opt-in is set; the list returned
    gets the isolation of every judge run, to prove that no sandbox was used. Each run
    also takes the protocol over the observer's stdin and stdout, the transport Windows
    needs (it cannot pass extra pipes), so these proofs are Windows' path too.
    """
    no_bwrap = tmp_path / "path-without-bwrap"
    no_bwrap.mkdir()
    monkeypatch.setenv("PATH", str(no_bwrap))
    monkeypatch.setenv(ALLOW_UNSANDBOXED_ENV, "1")
    used: list[Isolation] = []
    real_judge_lesson = judge_lesson_module.judge_lesson

    def watching(*args: Any, **kwargs: Any) -> JudgeRun:
        run = real_judge_lesson(*args, **{**kwargs, "stdio": True})
        used.append(run.isolation)
        return run

    monkeypatch.setattr(judge_lesson_module, "judge_lesson", watching)
    return used


def assert_ran_unsandboxed(used: list[Isolation]) -> None:
    assert used, "nothing was graded"
    assert set(used) == {Isolation.NONE}


# -- the money lesson's proofs, graded without bubblewrap (the unsandboxed v2 mode) ------


@pytest.mark.slow
def test_money_reference_solution_passes_without_bubblewrap(
    unsandboxed: list[Isolation],
) -> None:
    course_proofs.test_reference_solution_passes_every_grader(MONEY)
    assert_ran_unsandboxed(unsandboxed)


@pytest.mark.slow
def test_money_starter_fails_every_exercise_without_bubblewrap(
    unsandboxed: list[Isolation],
) -> None:
    course_proofs.test_untouched_starter_fails_every_exercise_with_a_learner_message(MONEY)
    assert_ran_unsandboxed(unsandboxed)


def test_the_money_lesson_has_wrong_answers_to_prove() -> None:
    assert len(MONEY_WRONG) >= len(MONEY.data.exercises) * 4


@pytest.mark.slow
@pytest.mark.parametrize(
    "wrong", MONEY_WRONG, ids=[f"{w.exercise_id}/{w.path.stem}" for w in MONEY_WRONG]
)
def test_money_wrong_answer_is_caught_without_bubblewrap(
    unsandboxed: list[Isolation], wrong: course_proofs.WrongAnswer, tmp_path: Path
) -> None:
    course_proofs.test_known_wrong_answer_is_caught_by_its_test_with_its_hint(wrong, tmp_path)
    assert_ran_unsandboxed(unsandboxed)


# -- the notebook's and the batch's launcher -------------------------------------------


@pytest.mark.slow
def test_the_warm_launcher_spawns_a_child_per_check_where_it_cannot_fork(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    server = ForkServer(PORTABLE)
    loop = make_notebook({"demo.greet": GREET + "def greet(name):\n    while True:\n        pass"})
    try:
        solution = fixture_course.root / "solutions" / "01_demo.ipynb"
        passed = grade_notebook(
            fixture_course, solution, fixture_course.exercises, Limits(), server
        )
        [stuck] = grade_notebook(
            fixture_course, loop, [fixture_course.exercise("demo.greet")], Limits(), server
        ).exercises
    finally:
        server.close()
    assert passed.status is Status.PASS
    assert stuck.status is Status.TIMEOUT
    assert server.startup_seconds is None, "a warm server was started without fork"


@pytest.mark.slow
def test_the_warm_server_grades_without_proc_namespaces_or_cgroups(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # What macOS offers: fork, rlimits, sessions and SIGALRM, but no /proc to count
    # processes, no namespaces, no cgroups.
    like_macos = dataclasses.replace(Platform.detect(), proc=False, namespaces=False, cgroups=False)
    server = ForkServer(like_macos)
    loop = make_notebook({"demo.greet": GREET + "def greet(name):\n    while True:\n        pass"})
    try:
        solution = fixture_course.root / "solutions" / "01_demo.ipynb"
        passed = grade_notebook(
            fixture_course, solution, fixture_course.exercises, Limits(), server
        )
        [stuck] = grade_notebook(
            fixture_course, loop, [fixture_course.exercise("demo.greet")], Limits(), server
        ).exercises
    finally:
        server.close()
    assert passed.status is Status.PASS
    assert stuck.status is Status.TIMEOUT
    assert "still running after 3 seconds" in stuck.tests[0].message
    assert server.startup_seconds is not None, "no warm server was started"


# -- time limits -------------------------------------------------------------------------

LAUNCHERS = {
    "this-system": lambda: SpawnLauncher(),
    "portable": lambda: SpawnLauncher(PORTABLE),
}


def grade_one(
    course: Course, notebook: Path, exercise_id: str, limits: Limits, launcher: SpawnLauncher
) -> tuple[ExerciseResult, float]:
    started = time.monotonic()
    result = grade_notebook(course, notebook, [course.exercise(exercise_id)], limits, launcher)
    [exercise] = result.exercises
    return exercise, time.monotonic() - started


def seconds_named(exercise: ExerciseResult) -> set[str]:
    """Every 'N seconds' a learner reads in the exercise's verdict, terminal and notebook."""
    shown = "\n".join(render_exercise_lines(exercise)) + render_exercise_html(exercise)
    return set(re.findall(r"(\d+(?:\.\d+)?) seconds", shown))


@pytest.mark.slow
@pytest.mark.parametrize("path", LAUNCHERS)
def test_endless_loop_ends_as_timeout_within_its_limit(
    path: str, fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    notebook = make_notebook(
        {"demo.greet": GREET + "def greet(name):\n    while True:\n        pass"}
    )
    limits = Limits(timeout_seconds=6)
    greet, took = grade_one(fixture_course, notebook, "demo.greet", limits, LAUNCHERS[path]())
    assert greet.status is Status.TIMEOUT
    assert took <= limits.timeout_seconds + 1
    # The exercise's own limit (3 s) stopped the test; the verdict names that one only.
    assert seconds_named(greet) == {"3"}
    assert "still running after 3 seconds" in greet.tests[0].message


@pytest.mark.slow
@pytest.mark.parametrize(("path", "stopped_after"), [("this-system", "3"), ("portable", "5")])
def test_code_blocked_in_a_call_is_stopped_by_the_limit_that_can_reach_it(
    path: str, stopped_after: str, fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # SIGALRM interrupts a sleep at the exercise's 3 s; the portable path's watchdog cannot
    # interrupt a call blocked in C, so the parent's 5 s limit ends the child instead.
    notebook = make_notebook(
        {"demo.greet": GREET + "import time\ndef greet(name):\n    time.sleep(1000)"}
    )
    limits = Limits(timeout_seconds=5)
    greet, took = grade_one(fixture_course, notebook, "demo.greet", limits, LAUNCHERS[path]())
    assert greet.status is Status.TIMEOUT
    assert took <= limits.timeout_seconds + 1
    assert seconds_named(greet) == {stopped_after}


@pytest.mark.slow
@pytest.mark.parametrize("path", LAUNCHERS)
def test_a_timeout_verdict_states_one_limit(
    path: str, fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # The first check runs past the exercise's 3 s; the second swallows even the soft stop,
    # so the run's 7 s limit ends it. The learner reads one limit: the exercise's own.
    code = (
        "# exercise: demo.add\ndef add(a, b):\n    if a > 0:\n        while True:\n"
        "            pass\n    while True:\n        try:\n            while True:\n"
        "                pass\n        except BaseException:\n            pass"
    )
    limits = Limits(timeout_seconds=7)
    notebook = make_notebook({"demo.add": code})
    add, took = grade_one(fixture_course, notebook, "demo.add", limits, LAUNCHERS[path]())
    assert add.status is Status.TIMEOUT
    assert [test.status for test in add.tests] == [Status.TIMEOUT, Status.TIMEOUT]
    assert took <= limits.timeout_seconds + 1
    assert seconds_named(add) == {"3"}


@pytest.mark.slow
@pytest.mark.parametrize("path", LAUNCHERS)
def test_a_run_stopped_by_the_whole_check_limit_names_that_limit(
    path: str, fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = (
        GREET + "def greet(name):\n    while True:\n        try:\n            while True:\n"
        "                pass\n        except BaseException:\n            pass"
    )
    limits = Limits(timeout_seconds=4)
    notebook = make_notebook({"demo.greet": code})
    greet, took = grade_one(fixture_course, notebook, "demo.greet", limits, LAUNCHERS[path]())
    assert greet.status is Status.TIMEOUT
    assert took <= limits.timeout_seconds + 1
    assert seconds_named(greet) == {"4"}
    assert "loop that never ends" in greet.message


# -- output caps -------------------------------------------------------------------------


@pytest.mark.slow
def test_printed_output_flood_is_capped_on_the_portable_path(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # 200 MB printed, no file-size cap to stop it: the child keeps a bounded amount.
    code = GREET + (
        "def greet(name):\n    for _ in range(200):\n        print('x' * 1_000_000)\n"
        "    return f'Hello, {name}!'"
    )
    launcher = WatchingLauncher(PORTABLE)
    limits = Limits()
    notebook = make_notebook({"demo.greet": code})
    greet, _ = grade_one(fixture_course, notebook, "demo.greet", limits, launcher)
    assert_ran_portably(launcher)
    assert greet.status is Status.PASS
    output = greet.tests[0].output
    assert output.startswith("xxxx")
    assert len(output) <= limits.max_output_chars + 100
    assert "more bytes of output cut" in output


@pytest.mark.slow
def test_raw_output_flood_is_read_in_bounded_amounts_on_the_portable_path(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # Written below Python's sys.stdout, straight to the child's pipe: the parent drains
    # all 100 MB (the child never blocks) and keeps only its start and end.
    code = GREET + (
        "import os\ndef greet(name):\n    for _ in range(100):\n"
        "        os.write(1, b'y' * 1_000_000)\n    return f'Hello, {name}!'"
    )
    launcher = WatchingLauncher(PORTABLE)
    notebook = make_notebook({"demo.greet": code})
    greet, _ = grade_one(fixture_course, notebook, "demo.greet", Limits(), launcher)
    assert greet.status is Status.PASS
    assert launcher.stdout_sizes
    assert 0 < launcher.stdout_sizes[0] <= 2 * 64 * 1024 + 100


# -- imports without POSIX-only modules --------------------------------------------------

_BLOCKED_IMPORTS = """
import importlib, pkgutil, sys

BLOCKED = {"resource", "fcntl", "pwd"}

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

for name in BLOCKED:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, Blocker())

import zendo
from zendo._platform import Platform

names = ["zendo"] + [
    info.name
    for info in pkgutil.walk_packages(zendo.__path__, "zendo.")
    if not info.name.endswith("__main__")
]
for name in names:
    importlib.import_module(name)
assert not BLOCKED & set(sys.modules), BLOCKED & set(sys.modules)
detected = Platform.detect()
print(len(names), detected.rlimits, detected.namespaces, detected.users)
"""


def test_every_module_imports_where_resource_fcntl_and_pwd_do_not_exist() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _BLOCKED_IMPORTS],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    count, rlimits, namespaces, users = done.stdout.split()
    assert int(count) > 25
    # Without those modules the engine plans no rlimits, no network namespace, no user drop.
    assert (rlimits, namespaces, users) == ("False", "False", "False")


# -- no root-only cgroup left behind -----------------------------------------------------


def test_a_run_that_fails_before_launch_leaves_no_cgroup(fixture_course: Course) -> None:
    grader = fixture_course.root / "tests" / "graders" / "test_01_demo.py"
    source = ExerciseSource("demo.greet", GREET + "def greet(n):\n    return 'x'", 1, 4)
    # A run that works: as root here (CI), a pids cgroup exists while the child runs.
    launcher = WatchingLauncher()
    run = run_graders(
        GradingJob(grader, {"demo.greet": source}, {"demo.greet": 3}), Limits(), launcher
    )
    assert run.outcomes
    assert bool(launcher.cgroups_at_launch[0]) is AS_ROOT
    assert our_cgroups() == []
    # A run that fails after planning and before launch (a job naming no time limit for
    # its exercise): the error surfaces, and the cgroup planned for it is gone.
    broken = GradingJob(grader, {"demo.greet": source}, {})
    with pytest.raises(KeyError):
        run_graders(broken, Limits(), WatchingLauncher())
    assert our_cgroups() == []
