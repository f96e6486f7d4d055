"""What the benchmarks print first: the commit the engine was measured at."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def engine_state() -> str:
    """The commit the engine was measured at, and whether src/zendo differed from it."""
    git = ["git", "-C", str(REPO)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--", "src/zendo"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"zendo at {commit or 'an unknown commit'}" + (
        f", {len(changed.splitlines())} files of src/zendo changed since" if changed else ""
    )
