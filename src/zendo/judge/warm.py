"""A warm judge: the trusted judge process kept ready, forking one child per grading job.

A cold v2 check starts `python -m zendo.judge.runner`, which spends most of its time
importing pytest, hypothesis and pydantic before it grades anything. The notebook's
`check()` and each batch worker instead keep one `WarmJudge`: a trusted process that has
imported all of that once, and forks a child per job that runs exactly what the cold
runner runs (`run_job`). Nothing of a job survives into the next: the child exits, and
the parent never imports a grader module (an author may edit graders between checks) and
never runs learner code (that only ever runs in the sandboxes the child starts).

The protocol on the server's stdin and stdout is one JSON line each way per job: the
client sends `{"job": "/path/job.json"}`; the server answers `{"pid": N}` when the child
has started (so the client can kill its process group on a timeout) and then
`{"exit": CODE}` when it has ended.

Usage:
    judge = WarmJudge()
    code = judge.run(job_path, hard_limit=30.0)   # None when the job overran
    judge.close()
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

logger = logging.getLogger(__name__)

START_SECONDS = 60.0  # importing pytest, hypothesis and pydantic on a busy 2-core machine


class WarmJudgeError(RuntimeError):
    """The warm judge could not start or stopped answering; a cold run is the fallback."""


def fork_available() -> bool:
    """Whether this system can keep a warm judge (it needs fork and process groups)."""
    return hasattr(os, "fork") and hasattr(os, "setsid") and hasattr(os, "killpg")


class WarmJudge:
    """The client of one warm judge process, started on first use."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def run(self, job_path: Path, *, hard_limit: float) -> int | None:
        """Run one job in a fresh child of the warm judge; its exit code, or None on timeout."""
        process = self._started()
        stdin, stdout = _pipes(process)
        try:
            stdin.write(json.dumps({"job": str(job_path)}).encode() + b"\n")
            stdin.flush()
            started = _read_line(stdout, START_SECONDS)
        except OSError as error:
            self.close()
            raise WarmJudgeError(f"The warm judge stopped answering: {error}.") from None
        child = started.get("pid") if started is not None else None
        if not isinstance(child, int):
            self.close()
            raise WarmJudgeError("The warm judge did not start the job.")
        ended = _read_line(stdout, hard_limit)
        if ended is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child, signal.SIGKILL)
            # The server reaps the child and still sends its line; read it to stay in step.
            if _read_line(stdout, 10.0) is None:
                self.close()
            return None
        code = ended.get("exit")
        return code if isinstance(code, int) else 1

    def close(self) -> None:
        """Stop the warm judge (and any job still running)."""
        if self._process is None:
            return
        process, self._process = self._process, None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None:
            return self._process
        env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONHASHSEED="0")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        began = time.monotonic()
        # A private working folder: nothing a judge writes (hypothesis's storage, a
        # tool's leftovers) lands in the learner's notebook folder.
        self._folder = tempfile.TemporaryDirectory(prefix="zendo-warm-judge-")
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(Path(self._folder.name) / ".hypothesis")
        self._process = subprocess.Popen(
            [sys.executable, "-P", "-m", "zendo.judge.warm"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=self._folder.name,
            start_new_session=True,
        )
        ready = _read_line(_pipes(self._process)[1], START_SECONDS)
        if ready != {"ready": True}:
            self.close()
            raise WarmJudgeError("The warm judge did not start.")
        logger.info(
            "Started a warm judge",
            extra={"startup_seconds": round(time.monotonic() - began, 3)},
        )
        return self._process


def _pipes(process: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    if process.stdin is None or process.stdout is None:
        raise WarmJudgeError("The warm judge has no pipes.")
    return process.stdin, process.stdout


def _read_line(stream: IO[bytes], timeout: float) -> dict[str, object] | None:
    """One JSON object from the server within `timeout`, or None (timeout or end)."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        return None
    line = stream.readline()
    if not line:
        return None
    try:
        answer = json.loads(line)
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def serve() -> None:
    """The warm judge's main loop: import once, then fork a child per job line."""
    from zendo.judge.runner import prepare_judge, run_job

    prepare_judge()
    out = sys.stdout.buffer
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        job = Path(str(json.loads(line)["job"]))
        pid = os.fork()
        if pid == 0:  # the child: one job, then gone
            code = 1
            try:
                os.setsid()
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                log = os.open(job.parent / "judge.log", os.O_WRONLY | os.O_CREAT, 0o600)
                os.dup2(log, 1)
                os.dup2(log, 2)
                code = run_job(job)
            finally:
                os._exit(code)  # also after an exception: the parent reports exit 1
        out.write(json.dumps({"pid": pid}).encode() + b"\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        out.write(json.dumps({"exit": code}).encode() + b"\n")
        out.flush()


if __name__ == "__main__":
    serve()
