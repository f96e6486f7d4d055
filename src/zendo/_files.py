"""Safe file writes: atomic replacement, and backups before anything is replaced."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path


def write_text_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); keep the mode a file had, or give a new
        # one the usual mode, so a shared course folder stays readable.
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _default_mode())
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(text)
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
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    backup = root / ".zendo" / "backups" / f"{target.stem}.{stamp}{target.suffix}"
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, backup)
    return backup
