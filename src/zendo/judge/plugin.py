"""The pytest plugin of the judge runner: `learner` and `submitted` fixtures, outcomes.

Runs in the trusted judge process, which never executes learner code: the `learner`
fixture is a client of that exercise's sandbox. Each test's outcome (pass, fail with a
learner message and hint, timeout, error), with the notes it attached (`toolkit.note`),
is recorded as plain data for the engine.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

import pytest

from zendo.judge.client import Learner, LearnerFailure
from zendo.judge.protocol import run_lean, runs_lean
from zendo.judge.sandbox import Isolation, Sandbox, SandboxGone, SandboxLimits
from zendo.judge.sandbox_host import SandboxHost
from zendo.judge.spare import POOL, SpareShape, hosted, preload_for, shapes_for
from zendo.judge.toolkit import BEFORE_TESTS, Submitted, take_notes
from zendo.judge.tools import ToolTimeout, discard_early_runs

logger = logging.getLogger(__name__)


class LearnerUnavailable(Exception):  # noqa: N818 - a state, reported with its status
    """The learner's sandbox could not be started or loaded for this test."""

    def __init__(self, gone: SandboxGone) -> None:
        super().__init__(str(gone))
        self.gone = gone


@dataclass(frozen=True)
class ExerciseJob:
    """One exercise of one submission, as the runner receives it."""

    exercise_id: str
    module: str
    source: str
    cell_start_line: int
    timeout_seconds: float
    defined_elsewhere: dict[str, str]


@dataclass
class JudgePlugin:
    """Creates one sandbox per exercise on first use and records every test's outcome."""

    exercises: dict[str, ExerciseJob]
    limits: SandboxLimits
    isolation: Isolation
    hidden_files: frozenset[str] = frozenset()  # grader modules whose outcomes are hidden
    stdio: bool = False  # the sandbox protocol on stdin/stdout, as Windows needs
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    collected: dict[str, dict[str, int]] = field(default_factory=dict)
    learners: dict[str, Learner] = field(default_factory=dict)
    hosted: bool = False  # several sandboxed exercises: one host forks a process for each
    _host: SandboxHost | None = None
    _host_shape: SpareShape | None = None
    _item: pytest.Item | None = None  # the test being run, for its fixtures

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "exercise(id, weight=1): the exercise a test grades")

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        kept = []
        self.collected = {exercise_id: {} for exercise_id in self.exercises}
        for item in items:
            marker = exercise_mark(item)
            if marker is None or not marker.args or marker.args[0] not in self.exercises:
                continue
            weight = int(marker.kwargs.get("weight", 1))
            self.collected[marker.args[0]][item.name] = weight
            kept.append(item)
        # Exercise by exercise (in the order of their first test; each one's tests in file
        # order): a submission's host runs one exercise's process at a time.
        first: dict[str, int] = {}
        for position, item in enumerate(kept):
            first.setdefault(_exercise_of(item), position)
        items[:] = sorted(kept, key=lambda item: first[_exercise_of(item)])

    def pytest_runtestloop(self, session: pytest.Session) -> None:
        """Before the first test, start every sandbox this run needs, side by side.

        They boot while the first tests set up; the warm judge's job child may already
        hold spares that fit. (A process that replaces pytest's test loop with its own,
        tryfirst, skips this and manages its spares itself.)
        """
        needed = {
            marker.args[0]
            for item in session.items
            if (marker := exercise_mark(item)) is not None
            and "learner" in getattr(item, "fixturenames", ())
        }
        jobs = [self.exercises[exercise_id] for exercise_id in sorted(needed)]
        self.hosted = hosted(len(jobs), self.isolation, self.stdio)
        shapes = shapes_for(
            [(job.exercise_id, job.source, job.cell_start_line) for job in jobs],
            self.limits,
            self.isolation,
            self.stdio,
        )
        POOL.wanted = shapes  # the warm judge starts the next job's spares like these
        POOL.top_up(shapes)
        if self.hosted:
            self._host_shape = shapes[0]
        self._before_tests(session.items)

    def _before_tests(self, items: list[pytest.Item]) -> None:
        """Call the graders' `before_tests` functions of this job's exercises, once each.

        They start slow pure work early (mypy); a test that finds nothing started does
        the work itself, so one that raises is only logged.
        """
        modules = {
            id(module): module for item in items if (module := getattr(item, "module", None))
        }
        for module in modules.values():
            for function in list(vars(module).values()):
                exercise_id = getattr(function, BEFORE_TESTS, None)
                if not callable(function) or exercise_id not in self.exercises:
                    continue
                job = self.exercises[exercise_id]
                try:
                    function(
                        Submitted(job.exercise_id, job.module, job.source, job.cell_start_line)
                    )
                except Exception as error:  # never a verdict: the tests do the work themselves
                    logger.warning(
                        "A grader's before_tests function failed",
                        extra={"exercise": exercise_id, "error": type(error).__name__},
                    )

    # The fixtures find their test through `_item` rather than pytest's `request`: a
    # fixture asking for `request` makes pytest build a fixture definition for it, with
    # an `inspect.signature` call, in every test (about 8% of a small submission's CPU).
    @pytest.fixture
    def learner(self) -> Learner:
        """The learner's code for this test's exercise, loaded in its sandbox."""
        job = self._job()
        found = self.learners.get(job.exercise_id)
        if found is None:
            shape = self._shape(job)
            spare = None
            sandbox: Sandbox
            greeted = False
            preloaded: tuple[str, ...] = ()
            if self.hosted:  # a fresh process forked from this submission's host
                for done in [other for other in self.learners if other != job.exercise_id]:
                    self.learners.pop(done).close()  # its tests are over: one at a time
                host = self._submission_host()
                sandbox = host.sandbox_for(job.module, job.source)
                # A fork of the host: its protocol is checked when forked, its imports are
                # the host's.
                greeted, preloaded = True, host.preload
            elif (spare := POOL.take(shape)) is not None:
                spare.sandbox.deliver(job.module, job.source)  # started ahead: its source now
                sandbox = spare.sandbox
                if spare.greeted:
                    greeted, preloaded = True, spare.shape.preload
            else:
                sandbox = Sandbox(
                    module=job.module,
                    source=job.source,
                    limits=self.limits,
                    isolation=self.isolation,
                    stdio=self.stdio,
                )
            found = Learner(
                sandbox=sandbox,
                budget_seconds=job.timeout_seconds,
                exercise_id=job.exercise_id,
                cell_start_line=job.cell_start_line,
                defined_elsewhere=job.defined_elsewhere,
                preload=shape.preload,
                preloaded=preloaded,
                greeted=greeted,
            )
            self.learners[job.exercise_id] = found
        if found.module is None:
            try:
                found.start()  # after a failed start, raises the same SandboxGone again
            except SandboxGone as gone:
                # pytest's fixture machinery handles only Exception subclasses in setup.
                raise LearnerUnavailable(gone) from None
        return found

    @pytest.fixture
    def submitted(self) -> Submitted:
        """The graded source as text, for tools and cell-line messages (never run here)."""
        job = self._job()
        return Submitted(job.exercise_id, job.module, job.source, job.cell_start_line)

    def _submission_host(self) -> SandboxHost:
        """This submission's host: a spare started ahead, or one started now."""
        if self._host is None:
            shape = self._host_shape
            spare = POOL.take(shape) if shape is not None else None
            if spare is not None and spare.host is not None:  # greeted, a child forked ahead
                self._host = spare.host
            elif spare is not None:  # still booting, perhaps: each child imports what it lacks
                preload = spare.shape.preload if spare.greeted else ()
                self._host = SandboxHost(
                    self.limits, self.isolation, preload=preload, started=spare.sandbox
                )
            else:
                preload = shape.preload if shape is not None else ()
                self._host = SandboxHost(self.limits, self.isolation, preload=preload)
        return self._host

    def _shape(self, job: ExerciseJob) -> SpareShape:
        preload = preload_for(job.exercise_id, job.source, job.cell_start_line)
        return SpareShape(self.limits, self.isolation, preload, self.stdio)

    def _job(self) -> ExerciseJob:
        item = self._item
        if item is None:
            raise RuntimeError("The learner's fixtures serve tests only, not other fixtures.")
        marker = exercise_mark(item)
        if marker is None:
            raise RuntimeError(f"{item.name} uses the learner but has no @exercise mark.")
        return self.exercises[marker.args[0]]

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """Each test starts with no note: none from a `before_tests` function or another test."""
        self._item = item  # before pytest sets up its fixtures
        take_notes()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(
        self, item: pytest.Item, nextitem: pytest.Item | None
    ) -> bool | None:
        """A test that needs none of pytest's per-test plugins runs the short way
        (`judge.protocol`); any other, pytest's whole protocol."""
        if not runs_lean(item):
            return None
        self.pytest_runtest_setup(item)
        run_lean(item, nextitem, self._after_phase)
        return True

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report: pytest.TestReport = yield
        self._after_phase(item, call, report.failed)
        return report

    def _after_phase(self, item: pytest.Item, call: pytest.CallInfo[None], failed: bool) -> None:
        """Record a test's outcome after its call, or after a setup that failed."""
        marker = exercise_mark(item)
        if marker is not None and (call.when == "call" or (call.when == "setup" and failed)):
            self._record(item, marker, call, failed)

    def _record(
        self,
        item: pytest.Item,
        marker: pytest.Mark,
        call: pytest.CallInfo[None],
        failed: bool,
    ) -> None:
        exercise_id = marker.args[0]
        outcome: dict[str, Any] = {
            "exercise_id": exercise_id,
            "test": item.name,
            "status": "pass",
            "weight": int(marker.kwargs.get("weight", 1)),
            "title": str(marker.kwargs.get("title", "")),
            "duration_seconds": round(call.duration, 4),
            "hidden": str(item.path) in self.hidden_files,
        }
        if failed and call.excinfo is not None:
            outcome.update(_classify(call.excinfo.value, item.name))
        notes = take_notes()
        if notes and not outcome["hidden"]:  # a hidden test's notes would say what it checks
            outcome["notes"] = notes
        found = self.learners.get(exercise_id)
        if found is not None and outcome["status"] != "pass":
            outcome["output"] = found.output()
        self.outcomes.append(outcome)

    def close(self) -> None:
        for found in self.learners.values():
            found.close()
        if self._host is not None:
            self._host.close()
            self._host = None
        POOL.close()  # spares this run started, or was given, and did not use
        discard_early_runs()  # tool runs a before_tests function started and no test wanted


_EXERCISE_MARK = pytest.StashKey["pytest.Mark | None"]()


def exercise_mark(item: pytest.Item) -> pytest.Mark | None:
    """The test's `exercise` mark, looked up once (a batch judge's children inherit it)."""
    if _EXERCISE_MARK not in item.stash:
        item.stash[_EXERCISE_MARK] = item.get_closest_marker("exercise")
    return item.stash[_EXERCISE_MARK]


def _exercise_of(item: pytest.Item) -> str:
    marker = exercise_mark(item)
    return str(marker.args[0]) if marker is not None and marker.args else ""


TOOL_STARVED = (
    "The grading machine was too busy to finish this check ({tool} ran out of time twice), "
    "so it is not a verdict on your code. Check again later, or ask your instructor to "
    "grade again."
)


def _classify(error: BaseException, test: str) -> dict[str, Any]:
    """Turn what ended a test into a status and a learner message."""
    error = _first_meaningful(error)
    if isinstance(error, LearnerUnavailable):
        error = error.gone
    if isinstance(error, LearnerFailure):
        return {"status": "fail", "message": error.message, "hint_id": error.hint}
    if isinstance(error, SandboxGone):
        return {"status": error.status, "message": str(error)}
    if isinstance(error, ToolTimeout):
        # A starved mypy or ruff says nothing about the learner's code (issue 10, item 6).
        logger.warning("A grading tool timed out", extra={"test": test, "tool": error.tool})
        return {"status": "error", "message": TOOL_STARVED.format(tool=error.tool)}
    # Anything else is the grader's own fault: a course bug, never the learner's.
    logger.error(
        "A grader raised instead of judging",
        extra={"test": test, "error": type(error).__name__},
    )
    lines = traceback.format_exception(error)
    return {
        "status": "error",
        "message": "The grader itself failed (a course bug, not yours): "
        + "".join(lines[-3:])[-1500:],
    }


def _first_meaningful(error: BaseException) -> BaseException:
    """Look inside hypothesis's exception groups for the failure that matters most."""
    if isinstance(error, BaseExceptionGroup):
        inner = [_first_meaningful(e) for e in error.exceptions]
        for kind in (SandboxGone, LearnerFailure):
            for candidate in inner:
                if isinstance(candidate, kind):
                    return candidate
        return inner[0] if inner else error
    return error
