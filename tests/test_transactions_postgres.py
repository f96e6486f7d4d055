"""The transactions lesson's PostgreSQL half: it really runs in CI, and is skipped elsewhere.

- A wrong answer that only PostgreSQL can catch (SQLite's `BEGIN IMMEDIATE` listener
  registered for every database) passes on SQLite alone and is caught with a server:
  proof that the graders' PostgreSQL part ran, through the relay, in the sandbox.
- The switch of tests/postgres_cluster.py, run in a child pytest with a bin folder that
  does not exist: with `ZENDO_REQUIRE_POSTGRES=1` (what `make test` sets) a missing
  server is a failure naming the fix; without it, a skip with the one-line reason.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, replace_cells
from tests.postgres_cluster import (
    BIN_ENV,
    INSTALL_FIX,
    REQUIRE_ENV,
    SERVER_ENV,
    SKIP_REASON,
    Server,
)
from zendo._course import load_course
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._results import Status

COURSE = load_course(REPO)
POSTGRES_ONLY = sorted(
    (REPO / "tests" / "graders" / "wrong" / "transactions.async_transfer" / "postgres_only").glob(
        "*.py"
    )
)


def header(source: str) -> dict[str, str]:
    return dict(re.findall(r"^# (exercise|wrong|caught-by|hint): (.+)$", source, re.MULTILINE))


@pytest.mark.slow
@pytest.mark.parametrize("path", POSTGRES_ONLY, ids=[path.stem for path in POSTGRES_ONLY])
def test_a_postgres_only_mistake_is_caught_on_postgres_and_only_there(
    path: Path, postgres_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = path.read_text(encoding="utf-8")
    said = header(source)
    exercise = COURSE.exercise(said["exercise"])
    lesson = COURSE.lesson_of(exercise)
    notebook = replace_cells(
        lesson.notebook_path(REPO, "solutions"), {exercise.id: source}, tmp_path / "wrong.ipynb"
    )
    assert os.environ[SERVER_ENV] == postgres_server.to_env()
    graded = grade_notebook(COURSE, notebook, [exercise], Limits()).exercises[0]
    named = [test for test in graded.tests if test.name == said["caught-by"]]
    assert named, [test.name for test in graded.tests]
    assert named[0].status is Status.FAIL, named[0]
    assert named[0].hint_id == said["hint"], named[0].message
    assert "PostgreSQL" in named[0].message

    monkeypatch.delenv(SERVER_ENV)  # the same answer graded on SQLite only
    alone = grade_notebook(COURSE, notebook, [exercise], Limits()).exercises[0]
    assert alone.status is Status.PASS, [(t.name, t.message) for t in alone.tests]


CHILD_TEST = """
from tests.postgres_cluster import Server


def test_needs_postgres(postgres_server: Server) -> None:
    assert postgres_server.port
"""
CHILD_CONFTEST = """
from tests.postgres_cluster import _postgres_session, postgres_server  # noqa: F401
"""


def run_child(tmp_path: Path, *, required: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_child.py").write_text(CHILD_TEST, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(CHILD_CONFTEST, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in (REQUIRE_ENV, SERVER_ENV)}
    env.update({BIN_ENV: str(tmp_path / "no-postgres-here" / "bin"), "PYTHONPATH": str(REPO)})
    if required:
        env[REQUIRE_ENV] = "1"
    command = [sys.executable, "-m", "pytest", "-rs", "-p", "no:cacheprovider"]
    command += ["--rootdir", str(tmp_path), str(tmp_path / "test_child.py")]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


def test_without_a_server_postgres_tests_are_skipped_with_the_reason(tmp_path: Path) -> None:
    done = run_child(tmp_path, required=False)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 skipped" in done.stdout
    assert SKIP_REASON in done.stdout


def test_when_postgres_is_required_a_missing_server_fails_and_names_the_fix(
    tmp_path: Path,
) -> None:
    done = run_child(tmp_path, required=True)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "1 error" in done.stdout or "1 failed" in done.stdout
    assert REQUIRE_ENV in done.stdout
    assert INSTALL_FIX in done.stdout
    assert "skipped" not in done.stdout
