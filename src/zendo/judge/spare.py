"""Sandboxes started before the submission they will hold is known: spares, and their pool.

Starting a sandbox (bubblewrap, then Python, then the observer) and importing what a
lesson's code imports first (pydantic, PyYAML, FastAPI, ...) is most of a small check's
time. A spare does that ahead: it is an ordinary sandbox, started with an empty stand-in
file, greeted, and told to import the modules the graded source imports first (parsed
here, on the trusted side, from its import statements: no learner code runs ahead of
time) and those its graders declare (`grader_imports`).
When the submission arrives, the judge writes its source into the spare's live
read-only submission folder (`Sandbox.deliver`) and the observer loads it.

Rules that keep spares safe:
- a spare is used for one exercise of one submission, like any sandbox, and is never
  handed out again; nothing but the observer and the named library modules ran in it;
- a spare's preloaded modules are a subset of the submission's own (`preload_for`: its
  first imports, which it runs first anyway, and the modules its graders import in the
  sandbox), which every sandbox imports before the learner's code, so a spare and a
  sandbox started on demand load the learner's code in the same state;
- spares belong to the process that started them (`--die-with-parent`) and
  `SparePool.close` kills those left over.

Usage (the judge process; the warm judge fills the pool of the job child it forks ahead):
    POOL.launch([SpareShape(limits, isolation, ("pydantic",))])   # start, don't wait
    POOL.greet()                                                    # wait until ready
    spare = POOL.take(shape)                                        # a Spare or None
    POOL.close()                                                    # kill the rest
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from zendo.judge.client import Learner
from zendo.judge.sandbox import Isolation, Sandbox, SandboxGone, SandboxLimits, start_or_close
from zendo.judge.sandbox_host import SandboxHost
from zendo.judge.zygote import start_host_sandbox

logger = logging.getLogger(__name__)

SPARE_MODULE = "zendo_spare"  # the empty stand-in a spare starts on
# All of a pool's greetings together: a set-up cell's imports that take longer (or hang)
# only cost the spares, which are then dropped; they can never hold up a job for long.
GREETING_SECONDS = 10.0
MAX_PRELOAD = 64  # as the observer's own cap


@dataclass(frozen=True)
class SpareShape:
    """What a sandbox must be to hold a submission: its limits, isolation and first imports."""

    limits: SandboxLimits
    isolation: Isolation
    preload: tuple[str, ...] = ()
    stdio: bool = False  # the protocol over stdin and stdout (Windows; forced in tests)
    host: bool = False  # a submission's host, forking an observer per exercise


@dataclass
class Spare:
    """A started sandbox waiting for its submission."""

    shape: SpareShape
    sandbox: Sandbox
    greeted: bool = False  # it answered `hello` and imported `shape.preload`
    owner: int = field(default_factory=os.getpid)  # the process that started it
    host: SandboxHost | None = None  # a host shape's, greeted: its first child forked ahead

    def alive(self) -> bool:
        return self.sandbox.process is not None and self.sandbox.process.poll() is None

    def close(self) -> None:
        if self.host is not None:
            self.host.close()  # its child forked ahead, then the sandbox
        self.sandbox.close()


def shapes_to_data(shapes: Iterable[SpareShape]) -> list[dict[str, Any]]:
    """Shapes as JSON data, to pass from a warm judge's job child to its parent."""
    return [dataclasses.asdict(shape) for shape in shapes]


def shapes_from_data(data: object) -> list[SpareShape]:
    """The shapes `shapes_to_data` gave; nothing for anything malformed."""
    try:
        return [
            SpareShape(
                SandboxLimits(**item["limits"]),
                Isolation(item["isolation"]),
                tuple(str(name) for name in item["preload"]),
                bool(item["stdio"]),
                bool(item.get("host", False)),
            )
            for item in data  # type: ignore[attr-defined]
        ]
    except (ValueError, TypeError, KeyError):
        return []


def shapes_for(
    exercises: Sequence[tuple[str, str, int]],
    limits: SandboxLimits,
    isolation: Isolation,
    stdio: bool,
) -> list[SpareShape]:
    """The sandboxes a submission's sandboxed exercises need (id, source, cell start line).

    Several exercises in bubblewrap over pipes share one host (`judge.sandbox_host`),
    which imports what all of them import first; otherwise each gets a sandbox of its own.
    """
    preloads = [preload_for(*exercise) for exercise in exercises]
    if hosted(len(exercises), isolation, stdio):
        common = [name for name in preloads[0] if all(name in other for other in preloads[1:])]
        return [SpareShape(limits, isolation, tuple(common), stdio, host=True)]
    return [SpareShape(limits, isolation, preload, stdio) for preload in preloads]


def hosted(exercises: int, isolation: Isolation, stdio: bool) -> bool:
    """Whether a submission with this many sandboxed exercises gets one host for them all.

    One exercise (a notebook's check) keeps a plain sandbox: there is nothing to share.
    The host needs bubblewrap (its exercises share the sandbox's walls) and descriptor
    passing (not on Windows).
    """
    return exercises >= 2 and isolation is Isolation.BUBBLEWRAP and not stdio


def preload_for(exercise_id: str, source: str, cell_start_line: int) -> tuple[str, ...]:
    """What a sandbox for this exercise imports before the learner's code loads.

    On every path (a spare or a sandbox started on demand), so that the learner's code
    always loads in the same state: the graded source's first imports
    (`leading_imports`), then the library modules the exercise's graders make the sandbox
    import (`grader_imports`).
    """
    names = [*leading_imports(source, cell_start_line), *_GRADER_IMPORTS.get(exercise_id, ())]
    return tuple(dict.fromkeys(names))[:MAX_PRELOAD]


def grader_imports(exercise_id: str, *modules: str) -> None:
    """Declare library modules `exercise_id`'s graders make the sandbox import.

    For graders whose helpers import a library inside the sandbox (uvicorn, to serve the
    learner's app): a spare imports it ahead, off the clock. Call it at a grader
    module's top level, once per exercise; a later call adds to the earlier ones.
    """
    known = _GRADER_IMPORTS.get(exercise_id, ())
    _GRADER_IMPORTS[exercise_id] = tuple(dict.fromkeys([*known, *modules]))


_GRADER_IMPORTS: dict[str, tuple[str, ...]] = {}


@functools.lru_cache(maxsize=16)  # a judge asks twice per exercise: its shape, its sandbox
def leading_imports(source: str, cell_start_line: int) -> tuple[str, ...]:
    """The modules the graded source imports before anything else it does.

    The set-up cells' top-level imports (the lines before the exercise cell), then the
    exercise cell's own imports of installed libraries up to its first other statement
    (a docstring aside): the learner's code imports them first thing when it loads, so
    importing them a moment earlier (in a spare, ahead of time) changes nothing but when
    it is paid for. The exercise cell's standard-library imports are left to the cell:
    they cost little, and one may be what is graded (`import this` prints the Zen, and a
    preload would drop the print).
    `import a.b` gives `a.b`; `from a.b import c` gives `a.b` (never `a.b.c`, which may
    be a name rather than a module); relative imports and `__future__` are skipped. A
    part that does not parse alone gives nothing: the learner's own import lines then
    do all the work, as they always may.
    """
    lines = source.splitlines(keepends=True)
    split = max(cell_start_line - 1, 0)
    names = _imports("".join(lines[:split]), leading_only=False)
    names += [
        name
        for name in _imports("".join(lines[split:]), leading_only=True)
        if name.split(".")[0] not in sys.stdlib_module_names
    ]
    unique = [name for name in dict.fromkeys(names) if name != "__future__"]
    return tuple(unique[:MAX_PRELOAD])


def _imports(part: str, *, leading_only: bool) -> list[str]:
    """The absolute imports among `part`'s top-level statements (only those before any
    other statement, if `leading_only`)."""
    try:
        tree = ast.parse(part)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    names: list[str] = []
    for number, node in enumerate(tree.body):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.append(node.module)
        elif leading_only and not (number == 0 and _is_docstring(node)):
            break
    return names


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


class SparePool:
    """The spares of one judge process, each handed out at most once."""

    def __init__(self) -> None:
        self._spares: list[Spare] = []
        self.wanted: list[SpareShape] = []  # the shapes this process's run asked for

    def __len__(self) -> int:
        return len(self._spares)

    def _forget_inherited(self) -> None:
        """Drop (without killing: they are the parent's) spares a fork inherited."""
        self._spares = [spare for spare in self._spares if spare.owner == os.getpid()]

    def top_up(self, shapes: Iterable[SpareShape]) -> None:
        """Launch a spare for each of `shapes` that no waiting spare fits yet (`fits`)."""
        self._forget_inherited()
        waiting = [spare.shape for spare in self._spares]
        missing = []
        for shape in shapes:
            fitting = next((spare for spare in waiting if fits(spare, shape)), None)
            if fitting is not None:
                waiting.remove(fitting)
            else:
                missing.append(shape)
        self.launch(missing)

    def adopt(self, shape: SpareShape, sandbox: Sandbox) -> None:
        """Hold a sandbox another process started for this one (it owns it now)."""
        self._forget_inherited()
        self._spares.append(Spare(shape, sandbox))

    def launch(self, shapes: Iterable[SpareShape]) -> None:
        """Start one sandbox per shape without waiting for it (they boot side by side)."""
        for shape in shapes:
            try:
                if shape.host:  # forked by the batch judge's zygote where there is one
                    sandbox = start_host_sandbox(shape.limits, shape.isolation, SPARE_MODULE)
                else:
                    sandbox = Sandbox(
                        module=SPARE_MODULE,
                        source="",
                        limits=shape.limits,
                        isolation=shape.isolation,
                        stdio=shape.stdio,
                    )
                    start_or_close(sandbox)
            except (OSError, SandboxGone) as error:
                logger.warning("A spare sandbox did not start", extra={"why": type(error).__name__})
                continue
            self._spares.append(Spare(shape, sandbox))

    def greet(self, until: Callable[[], bool] = lambda: False) -> None:
        """Wait for each spare launched to answer and import its shape's modules.

        Stops early once `until()` says so (a job has arrived: the spares not greeted yet
        boot on beside it, and the learner greets them). A spare that fails is dropped
        (the check then starts its sandbox on demand, as without spares): a spare's
        trouble is never a learner's verdict.
        """
        deadline = time.monotonic() + GREETING_SECONDS
        for spare in list(self._spares):
            if spare.greeted:
                continue
            left = deadline - time.monotonic()
            if until() or left <= 0:
                return
            try:
                if spare.shape.host:
                    # Sent, not awaited: the host imports as it boots, and its first fork
                    # (after the answer) cannot come before it has booted anyway.
                    message = {"op": "preload", "modules": list(spare.shape.preload)}
                    spare.sandbox.send_control(message)
                    host = SandboxHost(
                        spare.shape.limits,
                        spare.shape.isolation,
                        preload=spare.shape.preload,
                        started=spare.sandbox,
                    )
                    spare.host = host
                    if not until():  # the job waits for no child of a host still booting
                        host.fork_ahead()
                else:
                    greeter = Learner(
                        sandbox=spare.sandbox, budget_seconds=left, preload=spare.shape.preload
                    )
                    greeter.greet()
            except (SandboxGone, AssertionError) as error:
                self._spares.remove(spare)
                spare.close()
                logger.warning("A spare sandbox failed its greeting", extra={"why": str(error)})
                continue
            spare.greeted = True

    def take(self, shape: SpareShape) -> Spare | None:
        """A live spare that fits `shape` (same limits and isolation, its preload a subset).

        Only a spare this process started is handed out: a forked child inherits its
        parent's pool, and a sandbox must never serve two processes (two submissions).
        """
        self._forget_inherited()
        for spare in list(self._spares):
            if not spare.alive():
                self._spares.remove(spare)
                spare.close()
                continue
            if fits(spare.shape, shape):
                self._spares.remove(spare)
                return spare
        return None

    def close(self) -> None:
        """Kill every spare of this process not handed out, and delete its folder."""
        self._forget_inherited()
        spares, self._spares = self._spares, []
        for spare in spares:
            with contextlib.suppress(OSError):
                spare.close()


def fits(spare: SpareShape, wanted: SpareShape) -> bool:
    """Whether a spare of shape `spare` can serve as a sandbox of shape `wanted`.

    The same limits, isolation and transport, and a preload that is part of the wanted
    one: the learner then imports the rest before its code loads (`Learner(preloaded=)`).
    """
    return (
        spare.limits == wanted.limits
        and spare.isolation is wanted.isolation
        and spare.stdio == wanted.stdio
        and spare.host == wanted.host
        and set(spare.preload) <= set(wanted.preload)
    )


POOL = SparePool()  # this process's spares: the warm judge's job child and the runner use it
