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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from zendo.judge.prestart import leave_nothing_behind, spawn_judge, stop_judge, take_prestarted

if TYPE_CHECKING:  # the client side (the notebook's kernel) never imports the sandbox code
    from zendo.judge.spare import SpareShape

logger = logging.getLogger(__name__)

START_SECONDS = 60.0  # importing pytest, hypothesis and pydantic on a busy 2-core machine


class WarmJudgeError(RuntimeError):
    """The warm judge could not start or stopped answering; a cold run is the fallback."""


class WarmJudge:
    """The client of one warm judge process, started on first use."""

    server_module = "zendo.judge.warm"  # what the process runs: `python -m` this
    what = "warm judge"  # what messages call it

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._ready = False  # it said {"ready": true}
        self._spawned_at = 0.0

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
            raise WarmJudgeError(f"The {self.what} stopped answering: {error}.") from None
        child = started.get("pid") if started is not None else None
        if not isinstance(child, int):
            self.close()
            raise WarmJudgeError(f"The {self.what} did not start the job.")
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

    @property
    def pid(self) -> int | None:
        """The warm judge process's pid, once started."""
        return self._process.pid if self._process is not None else None

    def close(self) -> None:
        """Stop the warm judge (and any job still running)."""
        if self._process is None:
            return
        process, self._process, self._ready = self._process, None, False
        folder, self._folder = self._folder, None
        stop_judge(process, folder)

    def start_early(self) -> None:
        """Start the judge process now, without waiting for it: its imports (about 0.3 s)
        then overlap the caller's own work, and the first `run` waits for it to be ready."""
        if self._process is None:
            self._spawn()

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is not None and self._process.poll() is None and self._ready:
            return self._process
        if self._process is None or self._process.poll() is not None:
            self.close()  # a process that died: reap it and drop its folder
            self._spawn()
        process = self._process
        if process is None:  # pragma: no cover - _spawn sets it
            raise WarmJudgeError(f"The {self.what} did not start.")
        ready = _read_line(_pipes(process)[1], START_SECONDS)
        if ready != {"ready": True}:
            self.close()
            raise WarmJudgeError(f"The {self.what} did not start.")
        self._ready = True
        logger.info(
            "Started a judge server",
            extra={
                "server": self.what,
                "startup_seconds": round(time.monotonic() - self._spawned_at, 3),
            },
        )
        return process

    def _spawn(self) -> None:
        self._ready = False
        # The console script may have spawned this judge before the engine was imported.
        spawned = take_prestarted(self.server_module)
        if spawned is not None:
            logger.info("Adopted a judge spawned before the engine", extra={"server": self.what})
        else:
            spawned = spawn_judge(self.server_module, self.what)
        self._process, self._folder = spawned.process, spawned.folder
        self._spawned_at = spawned.spawned_at


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


MAX_SEED_COPIES = 4  # mypy seed copies a job child makes ahead (6 MB each)


@dataclass(frozen=True)
class Ahead:
    """What a job child prepares before its job: spare sandboxes, mypy seed copies."""

    shapes: list[SpareShape] = field(default_factory=list)
    mypy_runs: int = 0

    def dump(self) -> bytes:
        from zendo.judge.spare import shapes_to_data

        return json.dumps({"shapes": shapes_to_data(self.shapes), "mypy": self.mypy_runs}).encode()

    @classmethod
    def read(cls, data: bytes) -> Ahead:
        """What `dump` wrote; nothing to prepare for anything malformed."""
        from zendo.judge.spare import shapes_from_data

        try:
            report = json.loads(data)
            runs = report["mypy"]
            shapes = shapes_from_data(report["shapes"])
        except (ValueError, TypeError, KeyError):
            return cls()
        return cls(shapes, min(runs, MAX_SEED_COPIES) if type(runs) is int and runs > 0 else 0)


class _Standby:
    """The next job's child, forked ahead: it starts that job's spare sandboxes, then waits.

    The parent never runs learner code and holds no sandbox; the child owns its spares
    (they die with it: `--die-with-parent`). Until its job comes it stays in the warm
    judge's process group, so stopping the judge (SIGKILL to that group) takes it and its
    spares along; on the job, the parent moves it into a group of its own, before the
    client learns its pid and may kill that group on a timeout. A parent that goes away
    otherwise closes the job pipe, and the child then kills its spares and exits.
    """

    def __init__(self, ahead: Ahead) -> None:
        job_read, self._job_write = os.pipe()
        self._report_read, report_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: spares, one job, then gone
            code = 1
            try:
                os.close(self._job_write)
                os.close(self._report_read)
                code = _standby_child(job_read, report_write, ahead)
            finally:
                os._exit(code)  # also after an exception: the parent reports exit 1
        os.close(job_read)
        os.close(report_write)

    def ended(self) -> bool:
        """Whether the child died before its job (then reaped here, its pipes closed)."""
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            pid = self.pid
        if pid == 0:
            return False
        for fd in (self._job_write, self._report_read):
            with contextlib.suppress(OSError):
                os.close(fd)
        return True

    def give(self, job: Path) -> None:
        """Hand the job over and give the child its own process group."""
        with contextlib.suppress(OSError):  # a child that died already: wait() tells
            os.setpgid(self.pid, self.pid)
            os.write(self._job_write, str(job).encode() + b"\n")
        os.close(self._job_write)

    def wait(self) -> tuple[int, Ahead]:
        """The child's exit code, and what its job used (to prepare the next one's)."""
        _, status = os.waitpid(self.pid, 0)
        report = _read_all(self._report_read)
        return os.waitstatus_to_exitcode(status), Ahead.read(report)

    def cancel(self) -> None:
        """End an idle child (its spares die with it)."""
        with contextlib.suppress(OSError):
            os.close(self._job_write)  # it reads end-of-file, kills its spares and exits
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self._report_read)


def _standby_child(job_read: int, report_write: int, ahead: Ahead) -> int:
    """Start the spares, wait for the job, run it with them; report what it used."""
    from zendo.judge import tools
    from zendo.judge.runner import run_job
    from zendo.judge.spare import POOL

    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # never the warm judge's own pipes to the client
        os.dup2(devnull, fd)
    try:
        POOL.launch(ahead.shapes)
        POOL.greet(until=lambda: bool(select.select([job_read], [], [], 0)[0]))
        if not select.select([job_read], [], [], 0)[0]:
            tools.copy_seed_ahead(ahead.mypy_runs)
    except Exception as error:  # a spare's trouble never stops the job
        POOL.close()
        logger.warning("Spares did not start", extra={"why": type(error).__name__})
    line = _read_all(job_read)
    if not line.strip():  # the judge went away, or cancelled us: no job
        POOL.close()
        tools.discard_seed_copies()
        return 0
    job = Path(line.decode().strip())
    log = os.open(job.parent / "judge.log", os.O_WRONLY | os.O_CREAT, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    runs_before = tools.mypy_runs
    try:
        return run_job(job)
    finally:
        POOL.close()
        tools.discard_seed_copies()
        used = Ahead(POOL.wanted, min(tools.mypy_runs - runs_before, MAX_SEED_COPIES))
        os.write(report_write, used.dump())


def _read_all(fd: int) -> bytes:
    chunks = []
    with contextlib.suppress(OSError):
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def serve() -> None:
    """The warm judge's main loop: import once, then fork a child per job line.

    Each child is forked ahead of its job, as soon as the previous job ended, and starts
    spare sandboxes shaped like the ones the previous job used: the next check of the
    same lesson finds its sandbox running, observer and first imports loaded.
    """
    from zendo.judge.runner import prepare_judge

    prepare_judge(Path.cwd())  # started in its private folder (`spawn_judge`)
    out = sys.stdout.buffer
    standby: _Standby | None = _Standby(Ahead())
    out.write(b'{"ready": true}\n')
    out.flush()
    try:
        for line in sys.stdin.buffer:
            job = Path(str(json.loads(line)["job"]))
            if standby is None or standby.ended():  # never a check lost to a dead child
                logger.warning("A job child forked ahead was gone; forking another")
                standby = _Standby(Ahead())
            current, standby = standby, None
            current.give(job)
            out.write(json.dumps({"pid": current.pid}).encode() + b"\n")
            out.flush()
            code, used = current.wait()
            out.write(json.dumps({"exit": code}).encode() + b"\n")
            out.flush()
            standby = _Standby(used)  # after the answer: the client need not wait for it
    finally:
        if standby is not None:
            standby.cancel()
        # Killed by its engine, the judge never gets here: it ends by itself only when its
        # engine went away (a notebook kernel killed), and nobody else would clean up.
        leave_nothing_behind()


if __name__ == "__main__":
    serve()
