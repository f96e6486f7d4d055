"""Where judges and their jobs keep their scratch files: in memory when the system allows.

Every submission a judge grades creates and removes a few dozen small files: its job
and results, each exercise's module and output, each sandbox's folder. On a disk file
system (an ext4 `/tmp`) each of those is journaled; on a tmpfs it is a few memory
operations. Twenty anchor submissions took 735 ms with their scratch in an ext4 `/tmp`
and 650 ms in `/dev/shm` (interleaved, medians of 6).

So a judge's folder and a job's folder go in the user's runtime folder
(`$XDG_RUNTIME_DIR`) or in `/dev/shm` when either is a tmpfs the user may write with
room to spare, and in the standard library's temporary folder otherwise. A `TMPDIR`
the user set always wins. Only the standard library is imported: the console script
spawns a judge, and so calls this, before the engine is imported (`judge.prestart`).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping

# Copies of mypy's cache go in a judge's folder too (tens of megabytes each): a tmpfs
# with less room, such as a container's 64 MB /dev/shm, is left alone.
MIN_FREE_BYTES = 512 * 1024 * 1024
MOUNTS = "/proc/self/mounts"
# Shared like /tmp, and used like it: only as the parent of folders `tempfile` makes
# with a random name and mode 0700.
SHARED_MEMORY = "/dev/shm"  # noqa: S108


@functools.cache
def scratch_folder() -> str | None:
    """The folder for a judge's or a job's scratch folder; None: `tempfile`'s choice.
    Decided once per process."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        with open(MOUNTS, encoding="utf-8", errors="replace") as mounts:
            table = mounts.read()
    except OSError:
        return None
    return choose_scratch_folder(os.environ, table)


def choose_scratch_folder(
    environ: Mapping[str, str], mounts: str, min_free_bytes: int = MIN_FREE_BYTES
) -> str | None:
    """The first of `$XDG_RUNTIME_DIR` and `/dev/shm` that is a tmpfs mount point in
    `mounts` (`/proc/self/mounts`'s text), writable, with `min_free_bytes` free; None when
    the user set `TMPDIR` or neither qualifies."""
    if environ.get("TMPDIR"):
        return None
    tmpfs = {
        fields[1]
        for line in mounts.splitlines()
        if len(fields := line.split()) > 2 and fields[2] == "tmpfs"
    }
    for candidate in (environ.get("XDG_RUNTIME_DIR", ""), SHARED_MEMORY):
        if not candidate or not os.path.isabs(candidate):
            continue
        folder = os.path.realpath(candidate)
        if folder in tmpfs and _room_for_scratch(folder, min_free_bytes):
            return folder
    return None


def _room_for_scratch(folder: str, min_free_bytes: int) -> bool:
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize >= min_free_bytes
