"""The commit-message exercise's trusted tools: the reference linter and a real git.

Both run in the judge, never in the sandbox. `commit_and_read_back` makes a fresh git
repository in a private temporary folder, commits a change's file before and after with
the learner's message (fixed author, committer and dates; no user or system git
configuration, no hooks), and returns the message as `git log` shows it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

GIT_SECONDS = 30
FIXED_DATE = "2026-01-15T09:00:00+00:00"


def reference_lint(message: str) -> set[str]:
    """The codes of the rules the message breaks, as the statement's table defines them."""
    lines = message.rstrip().split("\n")
    subject, body = lines[0], lines[1:]
    if not subject.strip():
        return {"C1"}
    codes = set()
    words = subject.split()
    first = words[0].lower().rstrip(".,:;!?")
    checks = {
        "C2": len(subject) > 50,
        "C3": subject.endswith("."),
        "C4": not subject[0].isupper(),
        "C5": first.endswith(("ed", "ing")) or (first.endswith("s") and not first.endswith("ss")),
        "C6": len(words) < 3,
        "C7": bool(body) and bool(body[0].strip()),
        "C8": not any(line.strip() for line in body),
        "C9": any(len(line) > 72 for line in body),
    }
    codes.update(code for code, broken in checks.items() if broken)
    return codes


class GitRefused(Exception):  # noqa: N818 - git said no: a learner's result, reported as such
    """git would not commit a message: the change's path and git's own explanation."""

    def __init__(self, path: str, explanation: str) -> None:
        super().__init__(f"{path}: {explanation}")
        self.path = path
        self.explanation = explanation


def _git() -> str:
    found = shutil.which("git")
    if found is None:
        raise RuntimeError("git is not installed on the grading machine; install git.")
    return found


def commit_and_read_back(changes: list[tuple[str, str, str, str]]) -> list[str]:
    """Commit each (path, before, after, message) in one new repository; messages read back.

    All the `before` files go into a first commit of the judge's own; then each change is
    one commit with the learner's message, in order. Raises GitRefused naming the change's
    path when git will not take a message (git refuses an empty one).
    """
    with tempfile.TemporaryDirectory(prefix="zendo-habits-git-") as folder:
        root = Path(folder)
        home = root / "home"
        repo = root / "repo"
        home.mkdir()
        repo.mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "Zendo Learner",
            "GIT_AUTHOR_EMAIL": "learner@example.invalid",
            "GIT_COMMITTER_NAME": "Zendo Learner",
            "GIT_COMMITTER_EMAIL": "learner@example.invalid",
            "GIT_AUTHOR_DATE": FIXED_DATE,
            "GIT_COMMITTER_DATE": FIXED_DATE,
        }

        def git(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [_git(), "-c", "core.hooksPath=/dev/null", "-c", "commit.gpgsign=false", *args],
                cwd=repo, env=env, capture_output=True, text=True, timeout=GIT_SECONDS,
                check=False,
            )  # fmt: skip

        git("init", "-q", "-b", "main").check_returncode()
        for path, before, _, _ in changes:
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(before, encoding="utf-8")
        git("add", "--all").check_returncode()
        git("commit", "-q", "-m", "Add the files before the changes").check_returncode()
        message_file = root / "message.txt"
        for path, _, after, message in changes:
            (repo / path).write_text(after, encoding="utf-8")
            message_file.write_text(message, encoding="utf-8")
            committed = git("commit", "-q", "--all", "-F", str(message_file))
            if committed.returncode != 0:
                raise GitRefused(path, (committed.stderr or committed.stdout).strip())
        logged = git("log", "-z", "--reverse", f"--max-count={len(changes)}", "--format=%B")
        logged.check_returncode()
        shown = logged.stdout.removesuffix("\0").split("\0")
        if len(shown) != len(changes):
            raise RuntimeError(f"git log gave {len(shown)} messages for {len(changes)} commits.")
        return shown
