"""Running the pinned ruff and mypy on learner code, from inside the grading child.

The tools run as grandchildren of the engine, so they inherit the child's limits. Their
findings come back as plain data; graders turn them into learner messages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_MYPY_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?P<severity>error|note): "
    r"(?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
TOOL_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Finding:
    """One complaint of a tool about one line."""

    path: str
    line: int
    code: str
    message: str


@dataclass(frozen=True)
class ToolRun:
    """A finished tool run: its exit code and what it found."""

    exit_code: int
    findings: list[Finding]
    output: str


def run_mypy(paths: Sequence[Path], *extra_args: str, cwd: Path | None = None) -> ToolRun:
    """Run mypy --strict (the pinned version) on `paths` and parse its errors."""
    command = [
        sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null",
        "--warn-unused-ignores", "--show-error-codes", "--no-error-summary", "--no-pretty",
        "--no-color-output", *extra_args, *(str(path) for path in paths),
    ]  # fmt: skip
    completed = _run(command, cwd or Path(paths[0]).parent)
    findings = []
    for line in completed.stdout.splitlines():
        match = _MYPY_LINE.match(line)
        if match and match["severity"] == "error":
            findings.append(
                Finding(match["path"], int(match["line"]), match["code"] or "", match["message"])
            )
    return ToolRun(completed.returncode, findings, completed.stdout)


def run_ruff(
    paths: Sequence[Path], *, select: Sequence[str], extra_args: Sequence[str] = ()
) -> ToolRun:
    """Run `ruff check` (the pinned version) with an explicit rule set, ignoring noqa.

    `--isolated` keeps any configuration file the learner wrote out of the verdict, and
    `--ignore-noqa` makes sprinkled `# noqa` comments count for nothing.
    """
    command = [
        sys.executable, "-m", "ruff", "check", "--isolated", "--ignore-noqa", "--no-cache",
        "--output-format", "json", "--select", ",".join(select), *extra_args,
        *(str(path) for path in paths),
    ]  # fmt: skip
    completed = _run(command, Path(paths[0]).parent)
    try:
        raw = json.loads(completed.stdout or "[]")
    except json.JSONDecodeError:
        raw = []
    findings = [
        Finding(
            path=str(item.get("filename", "")),
            line=int((item.get("location") or {}).get("row", 0)),
            code=str(item.get("code") or ""),
            message=str(item.get("message", "")),
        )
        for item in raw
        if isinstance(item, dict)
    ]
    return ToolRun(completed.returncode, findings, completed.stdout + completed.stderr)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The command is built from fixed arguments and paths the grader chose; no shell.
    return subprocess.run(  # noqa: S603
        command, cwd=cwd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_SECONDS, check=False
    )
