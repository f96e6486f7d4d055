"""Judge processes: how one is spawned, and one spawned before the engine has imported anything.

A judge process (`judge.warm`, `judge.batch`, the one-job `judge.runner`) spends about
0.2 s importing pytest and the judge before it can take a job, and the engine about
0.15 s importing itself before it could start one: done one after the other, those add
up on every `zendo grade` and `zendo check`. The console script (`zendo._entry`)
therefore spawns the command's judge first thing, with this module only (the standard
library's `subprocess` and `tempfile`), and the engine adopts it when it needs its
first judge (`take_prestarted`). A process nobody adopts (a usage error, a course
without v2 lessons) is killed when the engine exits.

What is spawned here is exactly what `WarmJudge` spawns itself: the same interpreter and
module, environment, private working folder and process group (`spawn_judge`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zendo.judge.scratch import scratch_folder


class SpawnedJudge:
    """A judge process just spawned: not yet known to be ready (it answers `{"ready": true}`)."""

    __slots__ = ("folder", "process", "spawned_at")

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        folder: tempfile.TemporaryDirectory[str],
        spawned_at: float,
    ) -> None:
        self.process = process
        self.folder = folder  # its working folder, removed by whoever closes the judge
        self.spawned_at = spawned_at  # time.monotonic(), for the start-up log


def fork_available() -> bool:
    """Whether this system can keep a warm judge (it needs fork and process groups)."""
    return hasattr(os, "fork") and hasattr(os, "setsid") and hasattr(os, "killpg")


# The environment variable naming a judge's own folder, which it removes if its engine
# goes away without stopping it (`leave_nothing_behind`).
OWN_FOLDER = "ZENDO_JUDGE_FOLDER"
# A judge's temporary folders (sandboxes, copies of mypy's cache, tool runs) go in its
# own folder when its path is at most this long: a sandbox's Unix sockets
# (`FOLDER/zendo-sandbox-XXXXXXXX/shared/gateway.sock`) must stay within the 104 bytes
# macOS allows such a path, whose temporary folder's path alone is about 50.
MAX_NESTING_FOLDER = 50


def judge_environment(folder: str | None = None) -> dict[str, str]:
    """A judge process's environment: ours, with no pytest plugin loaded by itself, one
    hash seed (the same examples everywhere) and no bytecode written.

    `folder`: the judge's own working folder, removed with it. Every temporary folder the
    judge and its children make then goes inside it (where its path is short enough), so
    that what a killed child leaves behind (a sandbox's folder) goes with it too.
    """
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONHASHSEED="0")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if folder is not None:
        env["HYPOTHESIS_STORAGE_DIRECTORY"] = str(Path(folder) / ".hypothesis")
        env[OWN_FOLDER] = folder
        if len(folder) <= MAX_NESTING_FOLDER:
            env["TMPDIR"] = folder
    return env


def spawn_judge(module: str, what: str, *, log_on_stdout: bool = False) -> SpawnedJudge:
    """Start `python -P -m MODULE` as a judge process, in a session and a folder of its own.

    `log_on_stdout`: its stderr goes to its stdout (a one-job judge's log, read at its
    end); otherwise nowhere (a judge that answers on stdout).
    """
    spawned_at = time.monotonic()
    # A private working folder: nothing a judge writes (hypothesis's storage, a tool's
    # leftovers) lands in the learner's notebook folder.
    folder = tempfile.TemporaryDirectory(
        prefix=f"zendo-{what.replace(' ', '-')}-", dir=scratch_folder()
    )
    env = judge_environment(folder.name)
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-P", "-m", module],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if log_on_stdout else subprocess.DEVNULL,
        cwd=folder.name,
        start_new_session=True,
    )
    return SpawnedJudge(process, folder, spawned_at)


_prestarted: dict[str, SpawnedJudge] = {}


def prestart(module: str, what: str, *, log_on_stdout: bool = False) -> None:
    """Spawn a judge of `module` now, for the engine to adopt later; killed at exit if not."""
    if module not in _prestarted:
        if not _prestarted:
            atexit.register(_discard_all)
        _prestarted[module] = spawn_judge(module, what, log_on_stdout=log_on_stdout)


def take_prestarted(module: str) -> SpawnedJudge | None:
    """The judge `prestart` spawned for `module`, now the caller's to run and close; or None."""
    return _prestarted.pop(module, None)


def stop_judge(
    process: subprocess.Popen[bytes], folder: tempfile.TemporaryDirectory[str] | None
) -> None:
    """Kill a judge process's group (and any job it runs), close its pipes, remove its folder."""
    with contextlib.suppress(ProcessLookupError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # Windows: no process groups; the judge itself
            process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()
    if folder is not None:
        folder.cleanup()


def leave_nothing_behind() -> None:
    """In a judge process at its end: remove its own folder, if its engine named one.

    An engine stops a judge by killing it, then removes its folder (`stop_judge`); a judge
    that ends by itself does so because its engine went away (a notebook kernel killed, a
    `zendo grade` interrupted), and nobody else would remove the folder and the sandbox
    folders its children left inside.
    """
    import shutil

    folder = os.environ.get(OWN_FOLDER)
    if folder and Path(folder).name.startswith("zendo-") and Path.cwd() == Path(folder).resolve():
        os.chdir(Path(folder).parent)
        shutil.rmtree(folder, ignore_errors=True)


def _discard_all() -> None:
    while _prestarted:
        _, judge = _prestarted.popitem()
        stop_judge(judge.process, judge.folder)
