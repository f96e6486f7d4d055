"""A warm grading server for the notebook: fork a ready child instead of starting Python.

Starting a fresh interpreter and importing pytest and hypothesis costs about half a
second; a notebook learner checks often. The server is started once per kernel, with
the same clean environment as any grading child, imports the heavy modules, then forks
one child per job. The child is the same code as the cold path (`_child.run_job`), so
the verdict is the same; only the start-up is saved.

Protocol, one JSON object per line: the kernel writes `{"job", "workdir", "private",
"nonce"}`; the
server answers `{"pid"}` at once and `{"code"}` when the child has ended (negative: the
signal that killed it). The kernel enforces the timeout by killing the child's group.

Where the system cannot fork (Windows), or a test forces the portable path, the same
object starts a fresh interpreter per job instead (`SpawnLauncher`): slower, the same
verdicts, and callers need not know which.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from zendo._errors import SandboxError
from zendo._platform import Platform
from zendo._sandbox import SpawnLauncher, child_environment, kill_group, write_graders
from zendo.judge.prestart import fork_available
from zendo.judge.warm import WarmJudge

logger = logging.getLogger(__name__)


class ForkServer:
    """The kernel's handle on its warm grading server; a Launcher for `run_graders`.

    Usage:
        ForkServer()                    # warm where the system can fork
        ForkServer(platform=PORTABLE)   # a fresh interpreter per job, as on Windows (tests)
    """

    def __init__(self, platform: Platform | None = None) -> None:
        self._platform = platform or Platform.detect()
        # The server forks, selects on pipes and kills process groups: POSIX only.
        warm = self._platform.fork and self._platform.sessions
        self._spawn = None if warm else SpawnLauncher(self._platform)
        # Lessons graded the v2 way are judged by a warm judge kept beside this server:
        # a trusted process that forks a judge per check (zendo.judge.warm).
        self.judge: WarmJudge | None = WarmJudge() if warm and fork_available() else None
        self._process: subprocess.Popen[bytes] | None = None
        self._graders: tempfile.TemporaryDirectory[str] | None = None
        self._graders_source: Path | None = None
        self.startup_seconds: float | None = None

    @property
    def platform(self) -> Platform:
        return self._platform

    def grader_folder(self, source: Path) -> Path:
        """A folder of graders that lives as long as the server, which imports them once."""
        if self._graders is None or self._graders_source != source:
            self.close()
            self._graders = tempfile.TemporaryDirectory(prefix="zendo-graders-")
            self._graders_source = source
            write_graders(source, Path(self._graders.name) / "graders")
        folder = Path(self._graders.name) / "graders"
        if self._spawn is None:
            self._ensure_started(folder)
        return folder

    def launch(
        self, job_path: Path, workdir: Path, private: Path, timeout: float, nonce: str
    ) -> int | None:
        if self._graders is None:
            raise SandboxError("The warm grading server was asked to grade before it had graders.")
        if self._spawn is not None:
            return self._spawn.launch(job_path, workdir, private, timeout, nonce)
        process = self._ensure_started(Path(self._graders.name) / "graders")
        request = {
            "job": str(job_path),
            "workdir": str(workdir),
            "private": str(private),
            "nonce": nonce,
        }
        stdin, stdout = _pipes(process)
        try:
            stdin.write(json.dumps(request).encode() + b"\n")
            stdin.flush()
            pid = self._read(stdout, 30.0)["pid"]
        except (OSError, ValueError, KeyError, TimeoutError) as error:
            self.close()
            raise SandboxError(f"The warm grading server stopped answering: {error}.") from error
        try:
            return self._read(stdout, timeout)["code"]
        except TimeoutError:
            kill_group(pid)
            # The server reaps the killed child and still reports it; read that line.
            with contextlib.suppress(TimeoutError, ValueError, KeyError, OSError):
                self._read(stdout, 5.0)
            return None
        except (OSError, ValueError, KeyError):
            # The server died under this job (learner code can signal its parent): this
            # submission counts as crashed, and the next check starts a new server.
            logger.warning("The warm grading server died during a check; restarting it")
            self._forget_process()
            return -signal.SIGKILL
        finally:
            kill_group(pid)

    def _forget_process(self) -> None:
        if self._process is not None:
            kill_group(self._process.pid)
            self._process.wait()
            for pipe in (self._process.stdin, self._process.stdout):
                if pipe is not None:
                    pipe.close()
            self._process = None

    def close(self) -> None:
        """Stop the server and remove its graders (a new one starts on the next check)."""
        self._forget_process()
        if self.judge is not None:
            self.judge.close()
        if self._graders is not None:
            self._graders.cleanup()
            self._graders = None

    def _ensure_started(self, graders: Path) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        started = time.monotonic()
        # Fixed command, no shell; the server's environment is a grading child's.
        self._process = subprocess.Popen(  # noqa: S603 - a fixed command and our own folder
            [sys.executable, "-B", "-m", "zendo._forkserver", str(graders)],
            cwd=graders.parent,
            env=child_environment(graders.parent),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._read(_pipes(self._process)[1], 60.0)  # the server says it is ready
        except (TimeoutError, ValueError) as error:
            self.close()
            raise SandboxError(f"The warm grading server did not start: {error}.") from error
        self.startup_seconds = time.monotonic() - started
        logger.info(
            "Started the warm grading server",
            extra={"startup_seconds": round(self.startup_seconds, 3)},
        )
        return self._process

    @staticmethod
    def _read(stream: IO[bytes], timeout: float) -> dict[str, int]:
        ready, _, _ = select.select([stream], [], [], timeout)
        if not ready:
            raise TimeoutError(f"no answer within {timeout:g} seconds")
        line = stream.readline()
        if not line:
            raise ValueError("the server closed its output")
        value = json.loads(line)
        if not isinstance(value, dict) or not all(isinstance(v, int) for v in value.values()):
            raise ValueError(f"the server sent {line[:200]!r}")
        return value


def _pipes(process: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    if process.stdin is None or process.stdout is None:  # pragma: no cover - set by Popen
        raise SandboxError("The warm grading server has no pipes.")
    return process.stdin, process.stdout


# Modules that pytest, hypothesis and a submission's set-up cell import only once a run
# has started (found by diffing sys.modules in a child); importing them here saves each
# check about 30 ms.
_IMPORTED_LATE = (
    "_pytest.faulthandler",
    "_pytest.helpconfig",
    "_pytest.setuponly",
    "_pytest.setupplan",
    "_pytest.skipping",
    "_pytest.tracemalloc",
    "_pytest.unittest",
    "_pytest.warnings",
    "pdb",
    "hypothesis.internal.conjecture.optimiser",
    "zendo.notebook",
)


def _warm_hypothesis() -> None:
    """Let hypothesis scan the loaded modules for constants once, here, not in every child.

    The scan is incremental (it remembers the modules it has seen), costs about 90 ms
    the first time, and then only looks at the learner's new module in each child.
    """
    try:
        from hypothesis.internal.conjecture.providers import _get_local_constants
    except ImportError:  # pragma: no cover - a private helper of the pinned version
        return
    _get_local_constants()


def serve(graders: Path) -> None:
    """The server's loop: pre-import, then fork one child per request."""
    # Imported once here, shared copy-on-write by every forked child.
    import importlib

    import hypothesis  # noqa: F401
    import pytest  # noqa: F401

    import zendo._plugin  # noqa: F401
    from zendo._child import run_job

    # The graders too, under the names pytest gives them (a folder without __init__.py
    # goes first on sys.path), so pytest in the child finds them already imported.
    sys.path.insert(0, str(graders))
    for grader in sorted(graders.glob("test_*.py")):
        importlib.import_module(grader.stem)
    for name in _IMPORTED_LATE:
        importlib.import_module(name)
    _warm_hypothesis()

    out = sys.stdout.buffer
    out.write(b'{"ready": 1}\n')
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        private = Path(request["private"])
        pid = os.fork()
        if pid == 0:
            os.setsid()
            workdir = Path(request["workdir"])
            os.chdir(workdir)
            os.environ.update(HOME=str(workdir), TMPDIR=str(workdir))
            # The server's request pipe must not reach learner code: it would carry the
            # next job's request (and nonce).
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)
            os.close(devnull)
            for descriptor, name in ((1, "stdout"), (2, "stderr")):
                target = os.open(private / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(target, descriptor)
                os.close(target)
            code = 3
            try:
                code = run_job(Path(request["job"]), str(request["nonce"]))
            finally:
                sys.stdout.flush()
                os._exit(code)
        out.write(json.dumps({"pid": pid}).encode() + b"\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        out.write(json.dumps({"code": code}).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
