"""What this operating system lets the grading engine do, detected once.

Grading runs on Linux, macOS and Windows with the isolation each one allows: a time
limit and output caps everywhere, the rest where the system has it. Every module of the
engine asks this value, never `sys.platform`, and imports a POSIX-only module (`resource`,
`fcntl`, `pwd`) only where the value says it exists, so every module imports everywhere.

Tests pass `PORTABLE` explicitly to run the least capable path (the one Windows gets) on
Linux; nothing in the environment can switch a real grading run to it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Platform:
    """The capabilities grading uses, each True only where this system really has it.

    Usage:
        platform = Platform.detect()
        if platform.rlimits: ...
    """

    fork: bool
    """`os.fork` exists: the notebook's and the batch's warm fork server can run."""
    rlimits: bool
    """`resource` imports: caps on memory, file size and processes for the child."""
    proc: bool
    """`/proc` lists processes: a non-root user's process cap can count what runs already."""
    sessions: bool
    """`os.setsid` and `os.killpg`: the child gets its own session, and a timeout kills
    its whole process group, grandchildren included."""
    alarm: bool
    """`SIGALRM` and `setitimer`: each test's soft time limit interrupts it by a signal;
    without them a watchdog thread interrupts the test instead."""
    namespaces: bool
    """Linux namespaces (`unshare`) and `fcntl`: as root, a network of the child's own."""
    cgroups: bool
    """Linux control groups: as root, a pids cgroup caps the child's processes."""
    users: bool
    """`pwd` and `os.setuid`: as root, the child drops to the `nobody` user."""

    @staticmethod
    @functools.cache
    def detect() -> Platform:
        """The capabilities of the system this process runs on (detected once)."""
        linux = sys.platform.startswith("linux")
        return Platform(
            fork=hasattr(os, "fork"),
            rlimits=_importable("resource"),
            proc=Path("/proc/self/task").is_dir(),
            sessions=hasattr(os, "setsid") and hasattr(os, "killpg"),
            alarm=hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer"),
            namespaces=linux and _importable("fcntl"),
            cgroups=linux and Path("/sys/fs/cgroup").is_dir(),
            users=_importable("pwd") and hasattr(os, "setuid") and hasattr(os, "geteuid"),
        )

    @property
    def is_root(self) -> bool:
        """True when this process may confine a child as root would (never on Windows)."""
        return self.users and os.geteuid() == 0

    @property
    def new_group_flags(self) -> int:
        """`Popen` creation flags that give the child a process group of its own on Windows."""
        return int(getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)) if not self.sessions else 0

    def as_json(self) -> dict[str, bool]:
        """The capabilities as a JSON object, for the job the child reads."""
        return asdict(self)

    @staticmethod
    def from_json(value: object) -> Platform:
        """The capabilities the parent wrote into a job; anything missing counts as absent."""
        given = value if isinstance(value, dict) else {}
        return Platform(**{field.name: given.get(field.name) is True for field in fields(Platform)})


PORTABLE = Platform(
    fork=False,
    rlimits=False,
    proc=False,
    sessions=False,
    alarm=False,
    namespaces=False,
    cgroups=False,
    users=False,
)
"""No capability at all: the path Windows gets, and what tests force on Linux to prove it."""


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False
