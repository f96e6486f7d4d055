"""The zygote: one sandbox per grading worker, which forks each submission its host.

A batch judge grades submission after submission, and booting a bubblewrap sandbox,
Python and the observer for each one costs about 28 ms of CPU. The zygote boots once:
the judge starts it in bubblewrap with the observer's `--zygote FD` and three
capabilities kept (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_SETPCAP), the judge's submission
folders bound at `/run/zendo/jobs` and the machine's `/proc` bound read-only at
`/run/zendo/machine-proc` (the kernel lets a namespace mount a new `/proc` only where
an unobstructed one is already visible).

For each message `{"op": "host", "job": NAME, "tmp_mb": N}` with two descriptors
attached (the host's control socket, its output file) it forks the submission's first
process straight into a new PID namespace (it unshares the namespace its children go
to, forks, and sets it back, which it may do as pid 1 of a PID namespace it made
itself), pid 1 there, which gives itself new mount, IPC, UTS and network namespaces and:
- mounts a new `/proc` (read-only, its own processes only), new tmpfs on `/tmp` and
  `/dev/shm`, the job's folders on `/submission` (read-only) and `/shared`, and empty
  read-only folders over `/run/zendo/jobs` and `/run/zendo/machine-proc`; `/` and `/dev`
  become read-only (they are the zygote's, so every submission's);
- brings up the loopback interface, changes into the new `/tmp`;
- drops every capability, then forks the host (pid 2), which greets the judge and serves
  like any host (`__main__.host`). Pid 1 stays, reaping, as bubblewrap's init does, and
  ends when the host ends: the kernel then ends every process of the submission.

Nothing of the zygote is reachable from a submission: no pid of it exists in the
submission's PID namespace, its descriptors are closed, its folders are covered, and it
keeps capabilities a submission lacks. No reply goes back on the zygote's socket, which
several judge processes share: a request that fails shows as a host that never greets
(or greets with a fault).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import struct
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

JOBS = "/run/zendo/jobs"
MACHINE_PROC = "/run/zendo/machine-proc"
SUBMISSION, SHARED = "/submission", "/shared"
TMP, SHM = "/tmp", "/dev/shm"  # noqa: S108 - the submission's own tmpfs
_JOB_NAME = re.compile(r"[0-9a-f]{16}")
MAX_TMP_MB = 1 << 20

_NEW_PID = 0x20000000  # CLONE_NEWPID
# CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET: pid 1 gives itself these
_NEW_NAMESPACES = 0x00020000 | 0x04000000 | 0x08000000 | 0x40000000
_RDONLY, _NOSUID, _NODEV, _NOEXEC, _REMOUNT = 1, 2, 4, 8, 32
_BIND, _REC, _PRIVATE, _RELATIME = 4096, 16384, 1 << 18, 1 << 21
# A remount keeps the flags bubblewrap set: the kernel refuses to clear a locked one.
_KEPT = _NOSUID | _NODEV | _RELATIME
_PR_CAPBSET_READ, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS, _PR_CAP_AMBIENT = 23, 24, 38, 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
_CAPABILITY_VERSION_3 = 0x20080522
_SIOCSIFFLAGS = 0x8914
_IFF_UP_LOOPBACK_RUNNING = 0x1 | 0x8 | 0x40


class _CapabilityHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapabilitySets(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


_libc: Any = None  # the C library, loaded when the zygote starts (Linux only)
_own_pid_namespace = -1  # the zygote's PID namespace, to set its children's back to


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def _mount(source: str | None, target: str, kind: str | None, flags: int, data: str = "") -> None:
    def encoded(text: str | None) -> bytes | None:
        return text.encode() if text else None

    result = _libc.mount(encoded(source), target.encode(), encoded(kind), flags, encoded(data))
    _check(result, f"mount {target}")


def serve_zygote(control_fd: int, host: Callable[[int], None]) -> None:
    """Fork a host for each request, until the judge closes the socket."""
    global _libc, _own_pid_namespace
    _libc = ctypes.CDLL(None, use_errno=True)
    _serve_from_own_pid_namespace()
    _own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    control = socket.socket(fileno=control_fd)
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 4096, 2)
        except OSError:
            message, fds = b"", []
        if not message:
            os._exit(0)
        _reap()
        try:
            job, tmp_mb = _request(message, fds)
            pid = _fork_pid_one()
        except (ValueError, OSError) as error:
            if isinstance(error, OSError):
                _fault(fds[0], error)
            for fd in fds:
                os.close(fd)
            continue
        if pid == 0:
            code = 1
            try:
                _submission(job, tmp_mb, fds, host)
                code = 0
            except OSError as error:
                _fault(fds[0], error)
            finally:
                os._exit(code)
        for fd in fds:
            os.close(fd)


def _serve_from_own_pid_namespace() -> None:
    """Go on as pid 1 of a PID namespace of the zygote's own; this process waits for it.

    bubblewrap's PID namespace belongs to a user namespace outside the zygote's (its
    `--disable-userns` nests one more), where the zygote has no capability: it could not
    set its children's namespace back to that one (`_fork_pid_one`). To one it created
    itself, it can.
    """
    _check(_libc.unshare(_NEW_PID), "unshare the zygote's PID namespace")
    pid = os.fork()
    if pid == 0:
        return
    os.closerange(3, 4096)  # the judge's socket is the new zygote's alone
    status = os.waitpid(pid, 0)[1]
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _fork_pid_one() -> int:
    """Fork pid 1 of a new PID namespace (0 in that child, its pid in the zygote).

    `unshare(CLONE_NEWPID)` moves only the caller's next children into a new namespace;
    the zygote then sets its children's namespace back to its own, so that the next
    request gets a namespace of its own too. Where it cannot, it ends: a later fork
    would join this submission's namespace, and the judge's hosts then start in
    bubblewrap of their own.
    """
    _check(_libc.unshare(_NEW_PID), "unshare a PID namespace")
    pid = os.fork()
    if pid != 0 and _libc.setns(_own_pid_namespace, _NEW_PID) != 0:
        os.kill(pid, signal.SIGKILL)
        os._exit(3)
    return pid


def _reap() -> None:
    """Collect the submissions' pid 1s that have ended (each ends with its host)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _request(message: bytes, fds: list[int]) -> tuple[str, int]:
    request = json.loads(message)
    if type(request) is not dict or request.get("op") != "host" or len(fds) != 2:
        raise ValueError("not a host request")
    job, tmp_mb = request.get("job"), request.get("tmp_mb")
    if type(job) is not str or not _JOB_NAME.fullmatch(job):
        raise ValueError("not a job name")
    if type(tmp_mb) is not int or not 0 < tmp_mb <= MAX_TMP_MB:
        raise ValueError("not a size")
    return job, tmp_mb


def _submission(job: str, tmp_mb: int, fds: list[int], host: Callable[[int], None]) -> None:
    """Pid 1 of a submission: its other namespaces and mounts, then its host; it reaps
    until the host ends. An OSError says the submission could not be set up."""
    control_fd, output_fd = fds
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.closerange(3, control_fd)  # nothing of the zygote's stays open: only the host's socket
    os.closerange(control_fd + 1, 4096)
    _check(_libc.unshare(_NEW_NAMESPACES), "unshare")
    _enter(job, tmp_mb)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # an init ignores what it does not handle
    host_pid = os.fork()
    if host_pid == 0:
        try:
            host(control_fd)
        finally:
            os._exit(0)
    os.close(control_fd)
    while True:  # reap every process of the submission until its host ends
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            os._exit(0)
        if pid == host_pid:
            os._exit(0)


def _fault(control_fd: int, error: OSError) -> None:
    """Tell the judge why this submission got no host (it then starts one without us)."""
    fault = {"fault": f"The zygote could not set up a submission's sandbox: {error}"}
    with contextlib.suppress(OSError):  # the judge went away: nobody is waiting
        os.write(control_fd, json.dumps(fault).encode())


def _enter(job: str, tmp_mb: int) -> None:
    """Give pid 1 of a new submission its own mounts and network, then drop capabilities."""
    import fcntl  # Linux only, like all of this

    tmpfs = _NOSUID | _NODEV
    _mount(None, "/", None, _REC | _PRIVATE)
    _mount("proc", "/proc", "proc", _NOSUID | _NODEV | _NOEXEC | _RDONLY | _RELATIME)
    _mount(f"{JOBS}/{job}/submission", SUBMISSION, None, _BIND)
    _mount(None, SUBMISSION, None, _REMOUNT | _BIND | _RDONLY | _KEPT)
    _mount(f"{JOBS}/{job}/shared", SHARED, None, _BIND)
    _mount("tmpfs", TMP, "tmpfs", tmpfs, f"size={tmp_mb * 1024 * 1024},mode=0755")
    _mount("tmpfs", SHM, "tmpfs", tmpfs, f"size={tmp_mb * 1024 * 1024},mode=1777")
    for covered in (JOBS, MACHINE_PROC):
        _mount("tmpfs", covered, "tmpfs", tmpfs | _NOEXEC | _RDONLY, "size=4096,mode=0555")
    _mount(None, "/dev", None, _REMOUNT | _BIND | _RDONLY | _KEPT)
    _mount(None, "/", None, _REMOUNT | _BIND | _RDONLY | _KEPT)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        fcntl.ioctl(probe, _SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", _IFF_UP_LOOPBACK_RUNNING))
    os.chdir(TMP)
    _drop_capabilities()


def _drop_capabilities() -> None:
    """No capability left in any set, none to gain back; checked, never assumed."""
    for capability in range(64):
        if _libc.prctl(_PR_CAPBSET_READ, capability, 0, 0, 0) == 1:
            _check(_libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0), "drop a capability")
    _check(_libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient")
    header = _CapabilityHeader(_CAPABILITY_VERSION_3, 0)
    _check(_libc.capset(ctypes.byref(header), (_CapabilitySets * 2)()), "capset")
    _check(_libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    left = (_CapabilitySets * 2)()
    _check(_libc.capget(ctypes.byref(header), left), "capget")
    if any(getattr(part, name) for part in left for name in ("effective", "permitted")):
        raise OSError(1, "capabilities were left after the drop")
    if any(_libc.prctl(_PR_CAPBSET_READ, number, 0, 0, 0) == 1 for number in range(64)):
        raise OSError(1, "the bounding set kept a capability")


if __name__ == "__main__":  # pragma: no cover - started through the observer's main
    sys.exit("Start the zygote through the observer: --zygote FD.")
