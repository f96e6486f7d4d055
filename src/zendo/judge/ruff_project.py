"""Any ruff command over a small project of text files, run from the trusted side.

`run_ruff` (tools.py) covers `ruff check` of single files with an explicit rule set.
Some checks need more: `ruff format --check --diff` on the learner's source, ruff's own
rule sets from `--show-settings`, or a project whose `pyproject.toml` is what is graded
(a learner's ruff configuration, read by ruff as a file, never run as code). Each run
gets a fresh private folder holding only the files named, in the subfolders named; ruff
runs as the engine's own binary with a fixed environment and fixed arguments, no shell.

Usage:
    run = run_ruff_command({"orders.py": text}, "format", "--isolated", "--check", "--diff",
                           "orders.py")
    run.exit_code, run.stdout, run.stderr
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from zendo.judge.tools import _ruff_binary, _run

# A relative path of plain names: `pyproject.toml`, `app/orders.py`, `tests/test_x.py`.
_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_SUFFIXES = (".py", ".toml")


@dataclass(frozen=True)
class CommandRun:
    """A finished ruff command: its exit code and what it wrote."""

    exit_code: int
    stdout: str
    stderr: str


def run_ruff_command(files: Mapping[str, str], *arguments: str) -> CommandRun:
    """Run the pinned ruff with `arguments` in a private folder holding only `files`.

    `files` maps relative paths (plain names, `/` between folders, `.py` or `.toml`) to
    their text. The private folder's path is cut out of what ruff wrote, so file names
    come back relative (`app/orders.py`) and the folder itself as `.`. Pass `--no-cache`:
    the folder is deleted after the run anyway.
    """
    for name in files:
        parts = name.split("/")
        if not name.endswith(_SUFFIXES) or not all(_PART.match(part) for part in parts):
            raise ValueError(
                f"A ruff project file must be a relative path of plain names ending in .py "
                f"or .toml, such as `app/orders.py`, not {name!r}."
            )
    folder = Path(tempfile.mkdtemp(prefix="zendo-ruff-")).resolve()
    try:
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        completed = _run([_ruff_binary(), *arguments], folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return CommandRun(
        completed.returncode,
        _relative(completed.stdout, folder),
        _relative(completed.stderr, folder),
    )


def _relative(text: str, folder: Path) -> str:
    """`text` with the private folder's path cut out: `app/orders.py`, `.` for the folder."""
    return text.replace(f"{folder}/", "").replace(str(folder), ".")
