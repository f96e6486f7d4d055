"""Confining the grading child before any learner code is loaded.

What the child gets depends on the system (`_platform.Platform`). Where `resource` exists
(Linux, macOS): caps on address space, file size, processes and core dumps. When the
engine runs as root on Linux (CI machines, containers), more: the child gets a network
namespace of its own (loopback only, so graders can still serve HTTP to themselves), a
pids cgroup, and drops to the `nobody` user, so learner code cannot write outside its
working directory, read root-only files, or fork past the process cap (which Linux does
not enforce for root). Where none of this exists (Windows), the child is not confined:
the parent's time limit and output caps are all it gets.

The parent decides the plan (`plan_confinement`), because only it can hand the working
directory to the unprivileged user; the child carries it out (`confine`). POSIX-only
modules are imported only on the branches the plan allows, so this module imports on
every system.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import signal
import socket
import stat
import struct
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict

from zendo._platform import Platform

_CLONE_NEWNET = 0x40000000
_SIOCSIFFLAGS = 0x8914
_IFF_UP, _IFF_LOOPBACK, _IFF_RUNNING = 0x1, 0x8, 0x40
_UNPRIVILEGED_USER = "nobody"
_CGROUP_V1_PIDS = Path("/sys/fs/cgroup/pids")
_CGROUP_V2 = Path("/sys/fs/cgroup")


class Plan(TypedDict):
    """What the child does to itself, decided by the parent."""

    rlimits: bool
    memory_mb: int
    max_file_mb: int
    max_processes: int | None
    run_as_uid: int | None
    run_as_gid: int | None
    isolate_network: bool
    cgroup: str | None


def plan_confinement(
    memory_mb: int,
    max_file_mb: int,
    max_processes: int,
    needed: Iterable[Path],
    platform: Platform,
) -> Plan:
    """The confinement a child can get on `platform`; `needed` are paths it must still read.

    A process cap is planned only where it can be set safely: an ordinary user's cap
    counts all of their processes, so without `/proc` to count them there is none.
    """
    plan = Plan(
        rlimits=platform.rlimits,
        memory_mb=memory_mb,
        max_file_mb=max_file_mb,
        max_processes=None,
        run_as_uid=None,
        run_as_gid=None,
        isolate_network=False,
        cgroup=None,
    )
    if not platform.is_root:
        if platform.proc:
            plan["max_processes"] = max_processes + _processes_of(os.getuid())
        return plan
    plan["max_processes"] = max_processes
    plan["isolate_network"] = platform.namespaces
    plan["cgroup"] = _make_pids_cgroup(max_processes) if platform.cgroups else None
    import pwd

    try:
        user = pwd.getpwnam(_UNPRIVILEGED_USER)
    except KeyError:
        return plan
    if all(_readable_by_anyone(path) for path in needed):
        plan["run_as_uid"], plan["run_as_gid"] = user.pw_uid, user.pw_gid
        counted = _processes_of(user.pw_uid) if platform.proc else None
        plan["max_processes"] = None if counted is None else max_processes + counted
    return plan


def hand_over(folder: Path, plan: Plan) -> None:
    """Give the unprivileged user its working folder (the parent calls this, as root)."""
    if plan["run_as_uid"] is not None and plan["run_as_gid"] is not None:
        for path in (folder, *folder.rglob("*")):
            os.chown(path, plan["run_as_uid"], plan["run_as_gid"])


def confine(plan: Plan) -> None:
    """Apply the plan to this process (the child calls this before loading learner code)."""
    if plan["cgroup"] is not None:
        # Join first, so every process the learner's code starts is counted and capped.
        (Path(plan["cgroup"]) / "cgroup.procs").write_text(str(os.getpid()))
    if plan["isolate_network"]:
        _isolate_network()
    if plan["rlimits"]:
        _set_rlimits(plan)
    if plan["run_as_uid"] is not None and plan["run_as_gid"] is not None:
        os.setgroups([])
        os.setgid(plan["run_as_gid"])
        os.setuid(plan["run_as_uid"])


def _set_rlimits(plan: Plan) -> None:
    import resource

    megabyte = 1024 * 1024
    caps = {
        resource.RLIMIT_AS: plan["memory_mb"] * megabyte,
        resource.RLIMIT_FSIZE: plan["max_file_mb"] * megabyte,
        resource.RLIMIT_CORE: 0,
    }
    if plan["max_processes"] is not None:
        caps[resource.RLIMIT_NPROC] = plan["max_processes"]
    for kind, value in caps.items():
        _soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        # A system that refuses one cap (macOS may for the address space) still gets the
        # others; the README's platform table says which caps each system enforces.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(kind, (value, value))
    # A write past the file-size cap should fail with an error, not kill the child.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _make_pids_cgroup(max_processes: int) -> str | None:
    """A pids cgroup capping the child's processes, where the machine offers one.

    Linux ignores RLIMIT_NPROC for root, so as root this is what stops a fork bomb before
    it takes the machine's process table (32,768 entries here).
    """
    for base in (_CGROUP_V1_PIDS, _CGROUP_V2):
        try:
            if base == _CGROUP_V2 and "pids" not in (base / "cgroup.subtree_control").read_text():
                continue
            folder = base / "zendo" / f"run-{os.getpid()}-{secrets.token_hex(4)}"
            folder.mkdir(parents=True)
            (folder / "pids.max").write_text(str(max_processes))
            return str(folder)
        except OSError:
            continue
    return None


def release_cgroup(plan: Plan) -> None:
    """Kill whatever is left in the child's cgroup, then remove it (the parent calls this).

    This reaches processes that left the child's process group with setsid() too.
    """
    if plan["cgroup"] is None:
        return
    folder = Path(plan["cgroup"])
    for _ in range(50):
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            return
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)
    with contextlib.suppress(OSError):
        folder.rmdir()


def _isolate_network() -> None:
    import fcntl

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(_CLONE_NEWNET) != 0:
        return  # no namespaces here (a restricted container): run with the host's network
    # A new namespace's loopback starts down; bring it up so graders can use 127.0.0.1.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        flags = _IFF_UP | _IFF_LOOPBACK | _IFF_RUNNING
        fcntl.ioctl(probe, _SIOCSIFFLAGS, struct.pack("16sh", b"lo", flags))


def _readable_by_anyone(path: Path) -> bool:
    """True when any user can reach and read `path` (each folder above it searchable)."""
    path = path.resolve()
    try:
        mode = path.stat().st_mode
        if not mode & stat.S_IROTH:
            return False
        if path.is_dir() and not mode & stat.S_IXOTH:
            return False
        return all(folder.stat().st_mode & stat.S_IXOTH for folder in path.parents)
    except OSError:
        return False


def _processes_of(uid: int) -> int:
    """How many tasks (threads count, as RLIMIT_NPROC counts them) `uid` runs now."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(entry / "task"))
            except OSError:
                continue
    return count
