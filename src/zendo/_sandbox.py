"""Running graders on learner code in a child process with limits.

This is the one module that starts processes. The child gets a fresh working directory
holding only the learner's code, an environment without the parent's secrets, its own
session where the system has sessions (so a timeout kills the whole process group,
grandchildren included; elsewhere the child alone) and the caps its system allows
(`_platform.py`, `_confine.py`). Everywhere the parent enforces the time limit and reads
only a bounded amount of the child's output. Results come back as JSON lines, never pickle.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Protocol

from pydantic import ValidationError

import zendo
from zendo._confine import Plan, hand_over, plan_confinement, release_cgroup
from zendo._errors import SandboxError
from zendo._extract import ExerciseSource, module_name
from zendo._limits import Limits
from zendo._platform import Platform
from zendo._results import ChildOutcome
from zendo.judge.warm import WarmJudge

logger = logging.getLogger(__name__)

# Only these variables reach learner code: no tokens, keys or credentials of the parent.
_PASSED_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")
_STARTUP_SECONDS = 5.0
# What the parent keeps of the child's own standard output and error (outside pytest's
# capture): this much from the start and from the end; the rest is read and dropped.
_PIPE_KEEP_BYTES = 64 * 1024
_READER_JOIN_SECONDS = 2.0
_DEFAULT_EXAMPLES = 50
_ENDED_EARLY = (
    "The grading process ended before every check had run: your code may have called "
    "os._exit() or closed the process"
)


class Fate(StrEnum):
    """How the child process ended."""

    FINISHED = "finished"
    TIMEOUT = "timeout"
    CRASHED = "crashed"
    INTERNAL = "internal"


@dataclass(frozen=True)
class ChildRun:
    """What came back from one grading child: its outcomes and how it ended."""

    collected: dict[str, dict[str, int]]
    outcomes: list[ChildOutcome]
    fate: Fate
    detail: str
    duration_seconds: float


@dataclass(frozen=True)
class GradingJob:
    """The graders to run and the learner code to run them on."""

    grader_file: Path
    sources: Mapping[str, ExerciseSource]
    timeouts: Mapping[str, float]


class Launcher(Protocol):
    """Starts the grading child for a job and waits for it, within a time limit."""

    judge: WarmJudge | None  # the warm judge kept beside it for v2 lessons, if any

    @property
    def platform(self) -> Platform:
        """The capabilities this launcher's children are confined with."""
        ...

    def grader_folder(self, source: Path) -> Path | None:
        """Where this launcher's children read the graders of `source`; None: copy per run."""
        ...

    def launch(
        self, job_path: Path, workdir: Path, private: Path, timeout: float, nonce: str
    ) -> int | None:
        """Run the child: its exit code (negative: the killing signal), or None on timeout."""
        ...


def run_graders(job: GradingJob, limits: Limits, launcher: Launcher | None = None) -> ChildRun:
    """Run the job's graders on its sources in a limited child; never raises for learner faults.

    By default a fresh interpreter is spawned (the command line's cold path); a notebook
    passes its warm fork server instead.
    """
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="zendo-run-", ignore_cleanup_errors=True) as private_dir,
        tempfile.TemporaryDirectory(prefix="zendo-work-", ignore_cleanup_errors=True) as work_dir,
    ):
        private, workdir = Path(private_dir), Path(work_dir)
        result_path = private / "results.jsonl"
        job_path = private / "job.json"
        launcher = launcher or SpawnLauncher()
        private.chmod(0o711)  # others may pass through to the graders, not list or read the rest
        folder = launcher.grader_folder(job.grader_file.parent)
        if folder is None:
            folder = private / "graders"
            write_graders(job.grader_file.parent, folder)
        grader = folder / job.grader_file.name
        plan = plan_confinement(
            limits.memory_mb,
            limits.max_file_mb,
            limits.max_processes,
            needed=[grader, Path(zendo.__file__).parent, *_interpreter_paths()],
            platform=launcher.platform,
        )
        hard_timeout = min(limits.timeout_seconds, _STARTUP_SECONDS + sum(job.timeouts.values()))
        try:
            # A root-only cgroup exists from here on: whatever fails before or during the
            # launch, the finally below removes it.
            for exercise_id, source in job.sources.items():
                (workdir / f"{module_name(exercise_id)}.py").write_text(
                    source.source, encoding="utf-8"
                )
            hand_over(workdir, plan)
            document = _job_document(job, limits, result_path, grader, plan, launcher.platform)
            job_path.write_text(json.dumps(document), encoding="utf-8")
            nonce = secrets.token_hex(16)
            code = launcher.launch(job_path, workdir, private, hard_timeout, nonce)
        finally:
            release_cgroup(plan)
        fate, detail = _fate(code, private, hard_timeout)
        collected, outcomes, finished = _read_results(result_path, nonce)
        if fate is Fate.FINISHED and not finished:
            fate, detail = Fate.CRASHED, _ENDED_EARLY
    duration = time.monotonic() - started
    logger.info(
        "Graded in a child process",
        extra={
            "exercises": sorted(job.sources),
            "fate": fate.value,
            "outcomes": len(outcomes),
            "duration_seconds": round(duration, 3),
        },
    )
    return ChildRun(
        collected=collected, outcomes=outcomes, fate=fate, detail=detail, duration_seconds=duration
    )


def _interpreter_paths() -> list[Path]:
    """What an unprivileged child must read to run Python and the graders' libraries."""
    paths = sysconfig.get_paths()
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    return [Path(sys.executable), *(Path(paths[name]) for name in names if name in paths)]


@functools.cache
def grader_snapshot(folder: Path) -> dict[str, bytes]:
    """The grader files of a course, read once per process (the wrong answers left out).

    Every child gets its graders from this snapshot, taken before any learner code ran:
    a submission that rewrites the course's grader files on disk changes nothing for
    itself or for the submissions graded after it.
    """
    snapshot = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not {"wrong", "__pycache__"} & set(relative.parts):
            snapshot[str(relative)] = path.read_bytes()
    return snapshot


def write_graders(source: Path, target: Path) -> None:
    """Write the snapshot of `source`'s graders to `target`: readable, never writable, by others."""
    for relative, content in grader_snapshot(source.resolve()).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for path in (target, *target.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _job_document(
    job: GradingJob,
    limits: Limits,
    result_path: Path,
    grader: Path,
    plan: Plan,
    platform: Platform,
) -> dict[str, object]:
    examples = os.environ.get("ZENDO_HYPOTHESIS_EXAMPLES", str(_DEFAULT_EXAMPLES))
    if not examples.isdigit() or int(examples) < 1:
        examples = str(_DEFAULT_EXAMPLES)
    return {
        "grader_files": [str(grader)],
        "result_path": str(result_path),
        "max_output_chars": limits.max_output_chars,
        "hypothesis_examples": int(examples),
        "plan": plan,
        "platform": platform.as_json(),
        "exercises": {
            exercise_id: {
                "module": module_name(exercise_id),
                "cell_start_line": source.cell_start_line,
                "cell_number": source.cell_number,
                "defined_elsewhere": source.defined_elsewhere,
                "timeout_seconds": job.timeouts[exercise_id],
            }
            for exercise_id, source in job.sources.items()
        },
    }


def child_environment(workdir: Path) -> dict[str, str]:
    """The whole environment of a grading child: an allow-list, nothing inherited beyond it."""
    environment = {name: os.environ[name] for name in _PASSED_ENVIRONMENT if name in os.environ}
    package_parent = str(Path(zendo.__file__).resolve().parents[1])
    environment.update(
        HOME=str(workdir),
        TMPDIR=str(workdir),
        PYTHONPATH=package_parent,
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
        ZENDO_CHILD="1",
    )
    return environment


class SpawnLauncher:
    """Starts a fresh interpreter per job: `python -m zendo._child JOB.json`.

    The parent enforces the time limit: past it, the child's process group is killed
    where the system has process groups, else the child itself. The child's own output
    comes back through pipes, of which only a bounded amount is kept (`_BoundedReader`).

    Usage:
        SpawnLauncher()                    # this system's capabilities
        SpawnLauncher(platform=PORTABLE)   # the least capable path, as on Windows (tests)
    """

    judge: WarmJudge | None = None  # a cold launcher: v2 lessons start their judge cold

    def __init__(self, platform: Platform | None = None) -> None:
        self._platform = platform or Platform.detect()

    @property
    def platform(self) -> Platform:
        return self._platform

    def grader_folder(self, source: Path) -> Path | None:
        return None

    def launch(
        self, job_path: Path, workdir: Path, private: Path, timeout: float, nonce: str
    ) -> int | None:
        command = [sys.executable, "-B", "-m", "zendo._child", str(job_path)]
        try:
            # Fixed command, no shell; learner code only ever arrives as a file.
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=workdir,
                env=child_environment(workdir),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=self._platform.sessions,
                creationflags=self._platform.new_group_flags,
            )
        except OSError as error:
            raise SandboxError(f"Could not start the grading process: {error}.") from error
        readers = [
            _BoundedReader(stream, private / name)
            for stream, name in ((process.stdout, "stdout"), (process.stderr, "stderr"))
            if stream is not None
        ]
        if process.stdin is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                process.stdin.write(nonce.encode() + b"\n")
                process.stdin.close()
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._end(process)
            process.wait()
            return None
        finally:
            # Grandchildren (a fork bomb, a stray server) die with their group either way.
            self._end(process)
            for reader in readers:
                reader.finish()

    def _end(self, process: subprocess.Popen[bytes]) -> None:
        if self._platform.sessions:
            kill_group(process.pid)
        else:
            # No process groups to kill (Windows): the child alone; Popen.kill is
            # TerminateProcess there. A grandchild it started may outlive it.
            with contextlib.suppress(OSError):
                process.kill()


class _BoundedReader:
    """Drains one of the child's pipes in a thread, keeping only its start and its end.

    The child never blocks on a full pipe, and a flood of output costs the parent at
    most twice `_PIPE_KEEP_BYTES` of memory. `finish` writes what was kept to `target`,
    where the engine reads the child's last words (`_fate`).
    """

    def __init__(self, stream: IO[bytes], target: Path) -> None:
        self._stream = stream
        self._target = target
        self._head = bytearray()
        self._tail = bytearray()
        self._dropped = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        try:
            descriptor = self._stream.fileno()
            while chunk := os.read(descriptor, _PIPE_KEEP_BYTES):
                with self._lock:
                    room = _PIPE_KEEP_BYTES - len(self._head)
                    self._head += chunk[:room]
                    self._tail += chunk[room:]
                    excess = len(self._tail) - _PIPE_KEEP_BYTES
                    if excess > 0:
                        del self._tail[:excess]
                        self._dropped += excess
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(OSError):
                self._stream.close()

    def finish(self) -> None:
        """Wait briefly for the pipe to close, then write what was kept.

        A grandchild that outlived the child (no process groups to kill) may hold the
        pipe open; the reader then goes on draining it in the background, still bounded.
        """
        self._thread.join(_READER_JOIN_SECONDS)
        with self._lock:
            cut = f"\n[... {self._dropped} bytes cut ...]\n".encode() if self._dropped else b""
            self._target.write_bytes(bytes(self._head) + cut + bytes(self._tail))


def _fate(code: int | None, private: Path, timeout: float) -> tuple[Fate, str]:
    if code is None:
        return Fate.TIMEOUT, timeout_message(timeout)
    stderr = private / "stderr"
    error_tail = stderr.read_bytes()[-2000:].decode("utf-8", "replace") if stderr.exists() else ""
    if code == 0:
        return Fate.FINISHED, ""
    if code == 4:
        return Fate.CRASHED, (
            "Your code broke the test runner itself (it changed something the graders "
            "need), so the checks could not finish."
        )
    if code == 3:
        logger.error("Grading child reported an internal fault", extra={"stderr": error_tail})
        return Fate.INTERNAL, error_tail.strip().splitlines()[-1] if error_tail.strip() else ""
    if code < 0:
        name = signal.Signals(-code).name
        return Fate.CRASHED, _crash_message(name)
    return Fate.CRASHED, f"{_ENDED_EARLY} (exit code {code})"


def _crash_message(signal_name: str) -> str:
    if signal_name == "SIGSEGV":
        return "Your code crashed the Python interpreter (a segmentation fault)."
    if signal_name == "SIGKILL":
        return "The grading process was killed, most likely for using too much memory."
    return f"The grading process was ended by the signal {signal_name}."


def timeout_message(seconds: float) -> str:
    """What a learner reads when the whole check ran out of time: the one limit that was hit."""
    return (
        f"Your code was still running after {seconds:g} seconds, the time limit for this "
        "check, so it was stopped before every check had run. Look for a loop that never "
        "ends, or one that catches every exception (even the check's own stop), in this "
        "exercise or in one checked before it."
    )


def kill_group(pid: int) -> None:
    """Kill a whole process group, quietly if it is already gone (POSIX only)."""
    killpg = getattr(os, "killpg", None)
    if killpg is not None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            killpg(pid, signal.SIGKILL)


def _read_results(
    result_path: Path, nonce: str
) -> tuple[dict[str, dict[str, int]], list[ChildOutcome], bool]:
    """The tests collected per exercise, the outcomes of those tests written before the
    child ended (the first for each test; anything else is ignored), and whether the
    child said it finished."""
    collected: dict[str, dict[str, int]] = {}
    outcomes: dict[tuple[str, str], ChildOutcome] = {}
    finished = False
    lines = (
        result_path.read_text("utf-8", errors="replace").splitlines()
        if result_path.exists()
        else []
    )
    for line in lines:
        try:
            value = json.loads(line)
            # Lines without this run's nonce were not written by the grading plugin.
            if not isinstance(value, dict) or value.pop("nonce", None) != nonce:
                continue
            if "collected" in value:
                collected = {
                    str(exercise): {str(test): int(weight) for test, weight in dict(tests).items()}
                    for exercise, tests in dict(value["collected"]).items()
                }
            elif "finished" in value:
                finished = value["finished"] is True
            else:
                outcome = ChildOutcome.model_validate(value)
                known = outcome.exercise_id == "*" or outcome.test in collected.get(
                    outcome.exercise_id, {}
                )
                if known:
                    outcomes.setdefault((outcome.exercise_id, outcome.test), outcome)
        except (json.JSONDecodeError, ValidationError, TypeError, ValueError, AttributeError):
            logger.warning("Ignored an unreadable line from the grading child")
    return collected, list(outcomes.values()), finished
