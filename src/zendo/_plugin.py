"""The pytest plugin loaded inside the grading child.

It gives graders the `submission` and `submission_path` fixtures, keeps only the tests of
the exercises being graded, stops any one test after its exercise's time limit, and turns
each test's report into a learner-facing outcome (status, message, hint id) written to
the results file as it happens, so nothing is lost when a later test crashes the child.
It reads structured report fields; it never parses pytest's printed output.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
import types
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any, TypedDict, TypeVar

import pytest

from zendo._softlimit import SoftTimeout
from zendo._softlimit import time_limit as _time_limit
from zendo.grading import LearnerFailure, describe_cell_line, set_cell_positions

_E = TypeVar("_E", bound=BaseException)


class ExerciseJob(TypedDict):
    """What the child is told about one exercise (written by the engine, read here)."""

    module: str
    cell_start_line: int
    cell_number: int | None  # the cell's position in the notebook, 1-based; None if unknown
    defined_elsewhere: dict[str, str]
    timeout_seconds: float


class SubmissionLoadError(Exception):
    """The learner's code could not be loaded; the message says what to fix."""


class SubmissionNotDone(SubmissionLoadError):  # noqa: N818 - a state, not an error
    """The learner's cell still raises NotImplementedError when run: a fail, not an error."""


class ZendoPlugin:
    """Collects learner-facing outcomes of the grader tests for the wanted exercises."""

    def __init__(
        self,
        exercises: dict[str, ExerciseJob],
        workdir: Path,
        results: IO[str],
        nonce: str,
        max_output: int,
    ) -> None:
        self.exercises = exercises
        self.workdir = workdir
        self.results = results
        self.nonce = nonce
        self.max_output = max_output
        self.modules: dict[str, types.ModuleType | SubmissionLoadError] = {}
        self.reported: set[str] = set()
        self.integrity: Integrity | None = None
        self.tampered: str | None = None

    # -- collection ---------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line(
            "markers", "exercise(id, weight=1, title=''): the exercise a test grades"
        )
        set_cell_positions({key: job["cell_number"] for key, job in self.exercises.items()})

    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        kept: list[pytest.Item] = []
        dropped: list[pytest.Item] = []
        for item in items:
            marker = item.get_closest_marker("exercise")
            exercise_id = marker.args[0] if marker and marker.args else None
            (kept if exercise_id in self.exercises else dropped).append(item)
        items[:] = kept
        config.hook.pytest_deselected(items=dropped)
        # The engine accepts outcomes only for these tests, and knows a run that stopped
        # early by the ones missing.
        collected: dict[str, dict[str, int]] = {exercise_id: {} for exercise_id in self.exercises}
        for item in kept:
            collected[_exercise_of(item)][item.name] = _weight_of(item)
        self._write_line({"collected": collected})

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # The graders are imported and no learner code has run yet: remember the tools.
        graders = {item.module for item in session.items if isinstance(item, pytest.Function)}
        self.integrity = Integrity(graders)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self._write_line({"finished": True})

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            # A grader that cannot even be imported is the course's fault, not the learner's.
            self._write(
                exercise_id="*",
                test=report.nodeid or "collection",
                status="error",
                message="internal: the grader file could not be loaded: "
                + _first_lines(str(report.longrepr), 12),
            )

    # -- fixtures -----------------------------------------------------------------------

    @pytest.fixture
    def submission(self, request: pytest.FixtureRequest) -> types.ModuleType:
        """The learner's code for the test's exercise, loaded as a module."""
        exercise_id = _exercise_of(request.node)
        loaded = self._load(exercise_id)
        if isinstance(loaded, SubmissionLoadError):
            raise loaded
        return loaded

    @pytest.fixture
    def submission_path(self, request: pytest.FixtureRequest) -> Path:
        """The path of the learner's code file for the test's exercise."""
        return self._path(_exercise_of(request.node))

    def _path(self, exercise_id: str) -> Path:
        return self.workdir / f"{self.exercises[exercise_id]['module']}.py"

    def _load(self, exercise_id: str) -> types.ModuleType | SubmissionLoadError:
        if exercise_id not in self.modules:
            self.modules[exercise_id] = self._import(exercise_id)
        return self.modules[exercise_id]

    def _import(self, exercise_id: str) -> types.ModuleType | SubmissionLoadError:
        job = self.exercises[exercise_id]
        path = self._path(exercise_id)
        spec = importlib.util.spec_from_file_location(job["module"], path)
        if spec is None or spec.loader is None:  # pragma: no cover - a .py path always has one
            return SubmissionLoadError(f"internal: cannot load {path.name}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[job["module"]] = module
        try:
            with _time_limit(job["timeout_seconds"]):
                spec.loader.exec_module(module)
        except SyntaxError as error:
            where = self._where(exercise_id, error.lineno)
            return SubmissionLoadError(
                f"Python cannot read your code: {error.msg} ({where}). Fix the syntax, "
                "run the cell to see that it works, and check again."
            )
        except NotImplementedError as error:
            return SubmissionNotDone(self._describe(exercise_id, error, while_="running your cell"))
        except BaseException as error:  # any failure to load is the learner's result
            return SubmissionLoadError(
                self._describe(exercise_id, error, while_="running your cell")
            )
        return module

    # -- running and reporting ----------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        timeout = self.exercises[_exercise_of(item)]["timeout_seconds"]
        try:
            with _time_limit(timeout):
                return (yield)
        except SoftTimeout:
            # Raised by a signal in the middle of learner code, its traceback can hold a
            # frame without a line number, which pytest's reporting cannot format (an
            # INTERNALERROR on Python 3.11). A fresh exception carries only this frame.
            raise SoftTimeout from None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if item.nodeid in self.reported:
            return report
        if report.when == "call" or report.failed or report.skipped:
            self.reported.add(item.nodeid)
            self._record(item, report, call.excinfo)
        return report

    def _record(
        self,
        item: pytest.Item,
        report: pytest.TestReport,
        excinfo: pytest.ExceptionInfo[BaseException] | None,
    ) -> None:
        exercise_id = _exercise_of(item)
        status, message, hint = "pass", "", None
        if self.tampered is None and self.integrity is not None:
            self.tampered = self.integrity.problem()
        if self.tampered is not None:
            status, message = (
                "error",
                (
                    f"Your code changed the grading tools ({self.tampered}), so this check "
                    "cannot be trusted and does not count. Solve the exercise without touching "
                    "the graders, pytest or Python's built-ins."
                ),
            )
        elif report.skipped:
            status, message = "error", "internal: a grader test was skipped; graders must not skip."
        elif report.failed and excinfo is not None:
            status, message, hint = self._classify(exercise_id, excinfo.value)
        elif report.failed:
            status, message = "error", "internal: the test failed without an exception."
        output = (report.capstdout + report.capstderr).strip()
        if len(output) > self.max_output:
            cut = len(output) - self.max_output
            output = output[: self.max_output] + f"\n[... {cut} more characters of output cut]"
        self._write(
            exercise_id=exercise_id,
            test=item.name,
            title=_title_of(item),
            status=status,
            message=message,
            hint_id=hint,
            output=output,
            duration_seconds=round(report.duration, 4),
            weight=_weight_of(item),
        )

    def _classify(self, exercise_id: str, error: BaseException) -> tuple[str, str, str | None]:
        failure = _find(error, LearnerFailure)
        if failure is not None:
            return "fail", failure.message, failure.hint
        if isinstance(error, SubmissionNotDone):
            return "fail", str(error), None
        if isinstance(error, SubmissionLoadError):
            return "error", str(error), None
        if isinstance(error, SoftTimeout):
            limit = self.exercises[exercise_id]["timeout_seconds"]
            return (
                "timeout",
                f"Your code was still running after {limit:g} seconds, so the check stopped it. "
                "Look for a loop that never ends, or work that grows too fast with the input.",
                None,
            )
        name_error = _find(error, NameError)
        if (
            name_error is not None
            and name_error.name in self.exercises[exercise_id]["defined_elsewhere"]
        ):
            return "error", self._moved_name_message(exercise_id, name_error.name), None
        return "fail", self._describe(exercise_id, error, while_="checking your code"), None

    def _describe(self, exercise_id: str, error: BaseException, while_: str) -> str:
        if (
            isinstance(error, NameError)
            and error.name in self.exercises[exercise_id]["defined_elsewhere"]
        ):
            return self._moved_name_message(exercise_id, error.name)
        if isinstance(error, NotImplementedError):
            return (
                f"{exercise_id} is not done yet: your code still raises NotImplementedError. "
                "Replace the `raise NotImplementedError` line with your solution."
            )
        if isinstance(error, SystemExit):
            return (
                f"Your code called sys.exit({error.code!r}) while {while_}. An exercise returns "
                "its answer; it never stops the program."
            )
        kind = type(error).__name__
        text = _first_lines(str(error), 3)
        where = self._learner_line(exercise_id, error)
        message = f"{kind} while {while_}"
        message += f": {text}" if text else "."
        if where:
            message += f" It was raised at {where}."
        example = _falsifying_example(error)
        if example:
            message += f" Example that triggers it: {example}"
        return message

    def _moved_name_message(self, exercise_id: str, name: str) -> str:
        cell = self.exercises[exercise_id]["defined_elsewhere"][name]
        where = f" ({cell})" if cell else ""
        return (
            f"Your code uses {name!r}, which is defined in another cell{where}. An "
            "exercise is graded on its own cell plus the '# setup' cells only: move "
            f"{name!r} into the exercise cell of {exercise_id}."
        )

    def _learner_line(self, exercise_id: str, error: BaseException) -> str | None:
        path = str(self._path(exercise_id))
        line = None
        for frame, lineno in traceback.walk_tb(error.__traceback__):
            if frame.f_code.co_filename == path:
                line = lineno
        return self._where(exercise_id, line) if line else None

    def _where(self, exercise_id: str, line: int | None) -> str:
        if line is None:
            return "an unknown line"
        job = self.exercises[exercise_id]
        start = job["cell_start_line"]
        if line >= start:
            return describe_cell_line(exercise_id, job["cell_number"], line - start + 1)
        return "a '# setup' cell"

    def _write(self, **outcome: Any) -> None:
        self._write_line(outcome)

    def _write_line(self, value: dict[str, Any]) -> None:
        # One JSON line per test, flushed at once: a crash of the child later loses nothing
        # before it (the kernel holds the data; fsync would only guard against a crash of
        # the machine, and costs milliseconds per line).
        self.results.write(json.dumps({**value, "nonce": self.nonce}) + "\n")
        self.results.flush()


def _weight_of(item: pytest.Item) -> int:
    marker = item.get_closest_marker("exercise")
    return int(marker.kwargs.get("weight", 1)) if marker else 1


def _title_of(item: pytest.Item) -> str:
    marker = item.get_closest_marker("exercise")
    return str(marker.kwargs.get("title") or "")[:300] if marker else ""


def _exercise_of(node: pytest.Item | Any) -> str:
    marker = node.get_closest_marker("exercise")
    if marker is None or not marker.args:
        raise SubmissionLoadError("internal: this grader test has no @exercise marker")
    return str(marker.args[0])


def _find(error: BaseException, kind: type[_E]) -> _E | None:
    """The error itself or the first of its kind inside an exception group."""
    if isinstance(error, kind):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = _find(inner, kind)
            if found is not None:
                return found
    return None


def _falsifying_example(error: BaseException) -> str | None:
    for note in getattr(error, "__notes__", []):
        if note.startswith("Falsifying example:"):
            return " ".join(note.removeprefix("Falsifying example:").split())
    return None


def _first_lines(text: str, count: int) -> str:
    lines = text.strip().splitlines()
    return "\n".join(lines[:count]) + (" ..." if len(lines) > count else "")


# What learner code could patch to make a failing check pass: the graders' own modules,
# the grading helpers, this plugin, Python's built-ins, and the pytest, pluggy and
# hypothesis machinery that runs and reports a test.
_WATCHED_MODULES = (
    "builtins",
    "zendo.grading",
    "zendo._plugin",
    "_pytest.runner",
    "_pytest.reports",
    "_pytest.python",
    "_pytest.fixtures",
    "_pytest.outcomes",
    "pluggy._callers",
    "pluggy._hooks",
    "pluggy._manager",
    "hypothesis.core",
)


class Integrity:
    """A snapshot of the grading machinery, to notice learner code that patched it.

    Learner code runs in the same process as the graders, so this raises the bar rather
    than closing the door: code that also patches this check can still hide. The threat
    model in docs/architecture.md says what needs a container.
    """

    def __init__(self, grader_modules: set[types.ModuleType]) -> None:
        modules = [sys.modules[name] for name in _WATCHED_MODULES if name in sys.modules]
        self.watched = [*modules, *sorted(grader_modules, key=lambda m: m.__name__)]
        self.snapshot = {id(module): self._state(module) for module in self.watched}

    @staticmethod
    def _state(namespace: object) -> dict[str, tuple[int, int | None]]:
        state = {}
        for name, value in list(vars(namespace).items()):
            # Functions and classes only: graders may keep data (caches) in module globals.
            if not callable(value):
                continue
            code = getattr(value, "__code__", None)
            state[name] = (id(value), id(code) if code is not None else None)
            if isinstance(value, type) and value.__module__ == getattr(namespace, "__name__", ""):
                for attribute, member in list(vars(value).items()):
                    if not callable(member):
                        continue  # a grader's class may count things in its attributes
                    member_code = getattr(member, "__code__", None)
                    state[f"{name}.{attribute}"] = (
                        id(member),
                        id(member_code) if member_code is not None else None,
                    )
        return state

    def problem(self) -> str | None:
        """The first changed name, as `module.name`, or None when nothing changed."""
        for module in self.watched:
            before = self.snapshot[id(module)]
            after = self._state(module)
            for name, identity in before.items():
                if after.get(name) != identity:
                    return f"{module.__name__}.{name}"
        return None
