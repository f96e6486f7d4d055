"""A zygote per grading worker: each submission's sandbox host is forked, not booted.

A batch judge grades one submission after another. Each used to get a bubblewrap sandbox
of its own, with a new Python importing the observer: about 28 ms of CPU per submission,
a fifth of what a small submission costs in all. The batch judge now starts one sandbox
per worker in zygote mode (`Sandbox(zygote=True)`, the observer's `--zygote`, see
`zendo/observer/zygote.py`), and each submission's host (`ZygoteHost`) is a process that
the zygote forks and moves into new mount, PID, IPC, UTS and network namespaces, with a
new `/proc`, `/tmp` and `/dev/shm`, this submission's folders on `/submission` and
`/shared`, and no capability: what a sandbox of its own gives it, for about 3 ms.

What a zygote's submissions share, and what they do not:
- they share what bubblewrap set up once (the read-only binds, the user namespace, the
  rlimits) and the zygote's memory as it was before any learner code ran (the observer,
  imported once), each a copy-on-write copy that nothing of one submission can write to
  another's;
- nothing else: each has its own processes (a PID namespace; when its host ends, the
  kernel ends all of them), files (its own tmpfs and folders; `/` and `/dev` are
  read-only), System V IPC, hostname and loopback network, and its own pids cgroup as
  root. The zygote itself is out of reach: none of its processes has a pid in a
  submission's namespace, its folders are covered and it keeps capabilities that a
  submission's processes lack.

A host greets its judge unasked; the message's credentials give its pid as the judge
sees it, through which (a pidfd) the judge watches and kills it. Where the zygote cannot
serve (not Linux with bubblewrap, a kernel that refuses a namespace or the new `/proc`, a
zygote that died), the judge starts a bubblewrap sandbox for the host as before, and
says why once: the learner's verdict never depends on which one it got.

Usage (the batch judge; its children inherit the zygote and fork hosts from it):
    start(limits, isolation)            # the batch judge, before it forks children
    sandbox = host_sandbox(limits, isolation)   # a ZygoteHost, or a plain host Sandbox
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import select
import signal
import socket
import struct
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from zendo.judge.sandbox import (
    Isolation,
    Sandbox,
    SandboxDied,
    SandboxGone,
    SandboxLimits,
    _make_cgroup,
    compile_observer,
    keyring_filter,
    start_or_close,
    stdio_needed,
)
from zendo.observer import PROTOCOL_VERSION

logger = logging.getLogger(__name__)

GREETING_SECONDS = 5.0  # a fork and a dozen mounts: milliseconds, unless the zygote is gone
_CREDENTIALS = struct.Struct("3i")  # struct ucred: pid, uid, gid


class Zygote:
    """One worker's zygote sandbox, started by the batch judge and shared by its children."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.owner = os.getpid()
        self.broken = ""  # why this process stopped asking it for hosts

    @classmethod
    def start(cls, limits: SandboxLimits, isolation: Isolation) -> Zygote | None:
        """A zygote booting (not waited for), where this system can run one; else None."""
        if not _supported(isolation):
            return None
        sandbox = Sandbox(
            module="zendo_zygote", source="", limits=limits, isolation=isolation, zygote=True
        )
        try:
            sandbox.start()
        except (OSError, SandboxGone) as error:
            sandbox.close()
            logger.warning("The zygote did not start", extra={"why": type(error).__name__})
            return None
        return cls(sandbox)

    def serves(self, limits: SandboxLimits, isolation: Isolation) -> bool:
        """Whether hosts with these limits can come from this zygote now."""
        return (
            not self.broken
            and limits == self.sandbox.limits
            and isolation is self.sandbox.isolation
            and self.alive()
        )

    def alive(self) -> bool:
        """Whether the zygote's bubblewrap runs. Only its parent can tell: in a child the
        answer is yes, and a request to a zygote gone fails at once (no greeting)."""
        process = self.sandbox.process
        if process is None:
            return False
        return self.owner != os.getpid() or process.poll() is None

    def give_up(self, why: str) -> None:
        """Stop asking this zygote for hosts in this process (said once)."""
        if not self.broken:
            self.broken = why
            logger.warning("Sandbox hosts now start without the zygote", extra={"why": why})

    def job_folder(self) -> tuple[str, Path]:
        """A new folder for one submission, in the folder the zygote sees as its jobs."""
        name = secrets.token_hex(8)
        folder = self.sandbox.folder / "jobs" / name
        (folder / "submission").mkdir(parents=True)
        (folder / "shared").mkdir()
        return name, folder

    def fork_host(self, name: str, control_fd: int, output_fd: int) -> None:
        """Ask the zygote to fork a host for job `name` (no answer: the host greets)."""
        message = {"op": "host", "job": name, "tmp_mb": self.sandbox.limits.max_file_mb}
        control = self.sandbox.control_socket
        try:
            if control is None:
                raise OSError("the zygote was never started")
            socket.send_fds(control, [json.dumps(message).encode()], [control_fd, output_fd])
        except OSError as error:
            self.give_up(f"the zygote did not take the request ({type(error).__name__})")
            raise SandboxDied("The zygote is gone.") from None

    def close(self) -> None:
        """Kill the zygote (only in the process that started it)."""
        if self.owner == os.getpid():
            self.sandbox.close()


def _supported(isolation: Isolation) -> bool:
    return (
        isolation is Isolation.BUBBLEWRAP
        and not stdio_needed()
        and hasattr(os, "pidfd_open")
        and hasattr(signal, "pidfd_send_signal")
        and hasattr(socket, "SO_PASSCRED")
        and keyring_filter() is not None  # the one kernel object the zygote would share
    )


class HostProcess:
    """A host the zygote forked: not this process's child, so watched through a pidfd."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._pidfd = os.pidfd_open(pid)
        self.returncode: int | None = None
        self._killed = False

    @property
    def pid(self) -> int:
        return self._pid

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self._ended()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        while self.returncode is None:
            if not select.select([self._pidfd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(f"sandbox host {self._pid}", timeout or 0.0)
            self._ended()
        return self.returncode

    def forget(self) -> None:
        """Close this process's pidfd of a host it hands over (the host runs on)."""
        if self.returncode is None:
            self.returncode = 0
            os.close(self._pidfd)

    def _ended(self) -> None:
        # Its exit status goes to its parent (the submission's pid 1), not to the judge.
        self.returncode = -signal.SIGKILL if self._killed else 0
        os.close(self._pidfd)

    def kill(self) -> None:
        if self.returncode is None:
            self._killed = True
            with contextlib.suppress(ProcessLookupError):  # it ended on its own
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)


@dataclass
class ZygoteHost(Sandbox):
    """One submission's host sandbox, forked by the zygote: a host `Sandbox` to the judge."""

    forked_by: Zygote | None = None

    def fresh(self) -> ZygoteHost:
        return ZygoteHost(
            self.module,
            self.source,
            self.limits,
            self.isolation,
            host=True,
            forked_by=self.forked_by,
        )

    def start(self) -> None:
        """Have the zygote fork this submission's host, and wait for its greeting."""
        zygote = self.forked_by
        if zygote is None:  # pragma: no cover - set by host_sandbox
            raise SandboxDied("A zygote host needs its zygote.")
        name, self._folder = zygote.job_folder()
        source = self._folder / "submission" / f"{self.module}.py"
        source.write_text(self.source, encoding="utf-8")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)  # to learn the host's pid
        self._control = ours
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        output = os.open(self._folder / "output.txt", flags, 0o600)
        try:
            zygote.fork_host(name, theirs.fileno(), output)
        finally:
            theirs.close()
            os.close(output)
        pid = self._greeting(zygote)
        self.process = HostProcess(pid)
        self._cgroup = _make_cgroup(self.limits.max_processes)
        if self._cgroup is not None:  # before its first fork: all its processes count
            (self._cgroup / "cgroup.procs").write_text(str(pid))

    def _greeting(self, zygote: Zygote) -> int:
        """The host's first message, unasked: its protocol version and, in the message's
        credentials, its pid as this process sees it."""
        ready, _, _ = select.select([self._control], [], [], GREETING_SECONDS)
        message, ancillary = b"", []
        if ready:
            try:
                message, ancillary, _flags, _address = self._control.recvmsg(
                    4096, socket.CMSG_SPACE(_CREDENTIALS.size)
                )
            except OSError:
                message = b""
        try:
            greeting = json.loads(message) if message else None
        except ValueError:
            greeting = None
        pids = [
            _CREDENTIALS.unpack(data[: _CREDENTIALS.size])[0]
            for level, kind, data in ancillary
            if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS
        ]
        if type(greeting) is dict and greeting.get("version") == PROTOCOL_VERSION and pids:
            return int(pids[0])
        why = greeting.get("fault") if type(greeting) is dict else None
        zygote.give_up(str(why or "a host forked by the zygote did not greet"))
        raise SandboxDied("The zygote did not fork a host.")

    def _end_process(self) -> int | None:
        """SIGKILL the host: its pid 1 then ends, and the kernel ends the rest."""
        if not isinstance(self.process, HostProcess):
            return None
        self.process.kill()
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not wait
            return None

    def hand_over(self) -> None:
        """Let another process (a forked child) own this host: close only this process's
        copies of its descriptors; the host, its folder and its cgroup stay as they are."""
        if isinstance(self.process, HostProcess):
            self.process.forget()
        if self._control is not None:
            self._control.close()
        self.process, self._control, self._cgroup, self._folder = None, None, None, None

    def _observer_pid(self, pid: int) -> int | None:
        return pid  # the host itself: the zygote forked it, no bubblewrap in between


ZYGOTE: Zygote | None = None  # the batch judge's, inherited by the children it forks
HOST_MODULE = "zendo_host"  # the empty stand-in a host starts on (either kind)


class HeadStart:
    """The batch judge's zygote and its first submission's host, started by a thread
    while the judge imports pytest and collects the graders.

    Booting the zygote, forking the first host and moving that into its pids cgroup (as
    root, a wait of 9-17 ms for the kernel) all wait on other processes: here they happen
    beside the imports instead of after them. Started with the default limits; a first
    job that asks for others gets a zygote of its own limits instead.
    """

    def __init__(self, limits: SandboxLimits, isolation: Isolation) -> None:
        self._host: ZygoteHost | None = None
        self._thread = threading.Thread(
            target=self._run, args=(limits, isolation), name="zygote-head-start", daemon=True
        )
        self._thread.start()

    def _run(self, limits: SandboxLimits, isolation: Isolation) -> None:
        compile_observer()  # before the zygote imports it
        start(limits, isolation)
        if ZYGOTE is None:
            return
        host = ZygoteHost(HOST_MODULE, "", limits, isolation, stdio=False, host=True)
        host.forked_by = ZYGOTE
        try:
            host.start()
        except (OSError, SandboxGone):
            host.close()
            return
        self._host = host

    def finish(self, limits: SandboxLimits, isolation: Isolation) -> ZygoteHost | None:
        """Wait for the thread (before this process forks); the zygote then serves these
        limits where it can, and the first host is answered if it was started with them."""
        self._thread.join()
        host, self._host = self._host, None
        if host is not None and (host.limits != limits or host.isolation is not isolation):
            host.close()
            host = None
        start(limits, isolation)
        return host

    def cancel(self) -> None:
        """Wait for the thread and close a first host nobody took (no job, or one that
        runs the protocol on stdio): it would otherwise run on until this process ends."""
        self._thread.join()
        host, self._host = self._host, None
        if host is not None:
            host.close()


def start(limits: SandboxLimits, isolation: Isolation) -> None:
    """Start this process's zygote (the batch judge's), if this system can run one."""
    global ZYGOTE
    if ZYGOTE is None or not ZYGOTE.serves(limits, isolation):
        stop()
        ZYGOTE = Zygote.start(limits, isolation)


def stop() -> None:
    global ZYGOTE
    if ZYGOTE is not None:
        ZYGOTE.close()
        ZYGOTE = None


def host_sandbox(limits: SandboxLimits, isolation: Isolation, module: str) -> Sandbox:
    """An unstarted host sandbox for one submission: forked by the zygote where one
    serves these limits, else a bubblewrap sandbox of its own."""
    if ZYGOTE is not None and ZYGOTE.serves(limits, isolation):
        return ZygoteHost(module, "", limits, isolation, stdio=False, host=True, forked_by=ZYGOTE)
    return Sandbox(module, "", limits, isolation, stdio=False, host=True)


def start_host_sandbox(limits: SandboxLimits, isolation: Isolation, module: str) -> Sandbox:
    """`host_sandbox`, started; a zygote that fails hands over to a sandbox of its own.

    A sandbox that fails to start is closed (its folder goes) before the error rises.
    """
    sandbox = host_sandbox(limits, isolation, module)
    if isinstance(sandbox, ZygoteHost) and sandbox.forked_by is not None:
        try:
            sandbox.start()
        except (OSError, SandboxGone) as error:
            sandbox.close()
            sandbox.forked_by.give_up(f"a host did not start ({type(error).__name__})")
        else:
            return sandbox
        sandbox = Sandbox(module, "", limits, isolation, stdio=False, host=True)
    start_or_close(sandbox)
    return sandbox
