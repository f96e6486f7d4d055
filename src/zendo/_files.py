"""Safe file writes: atomic replacement, and backups before anything is replaced."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    with open_atomically(path) as file:
        file.write(text)


@contextmanager
def open_atomically(path: Path) -> Iterator[TextIO]:
    """A text stream that replaces `path` when the block ends, and never before.

    What is written goes to a temporary file in the same folder, synced and renamed over
    `path` once the block ends without an error; after an error (or a kill) `path` is as
    it was, and the temporary file is removed (or, after a kill, left as `.NAME.xxxx`).
    Large outputs are written piece by piece through it, never built whole in memory.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); keep the mode a file had, or give a new
        # one the usual mode, so a shared course folder stays readable.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _default_mode())
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def back_up(root: Path, target: Path) -> Path:
    """Copy `target` into the course's `.zendo/backups/`, with a time stamp; return the copy."""
    backup = root / ".zendo" / "backups" / f"{target.stem}.{_stamp()}{target.suffix}"
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, backup)
    return backup


def back_up_together(root: Path, base: Path, relatives: Iterable[str]) -> Path:
    """Copy each file `base/relative` into one time-stamped folder of the course's
    `.zendo/backups/`, under the same relative path; return the folder."""
    folder = root / ".zendo" / "backups" / _stamp()
    for relative in relatives:
        copy = folder / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(base / relative, copy)
    return folder


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
