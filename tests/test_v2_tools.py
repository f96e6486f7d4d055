"""ruff and mypy run by the v2 judge on source text: isolated from anything learner-made."""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path

import pytest

from zendo.judge import run_mypy, run_ruff, tools
from zendo.judge.gateway import FlakyGateway

FAKE_TOOL = "print('all good')\n"  # run as the tool, it would print this and exit 0


def test_mypy_reports_findings_by_file_and_line() -> None:
    run = run_mypy({"calc_typed.py": "def mean(values):\n    return sum(values)\n"})
    assert run.exit_code == 1
    assert [(f.file, f.line, f.code) for f in run.findings] == [
        ("calc_typed.py", 1, "no-untyped-def")
    ]
    assert not run.crashed


def test_a_learner_module_named_like_the_tool_cannot_shadow_it() -> None:
    # `python -m mypy` in a folder holding mypy.py would run that file; the judge's
    # `python -I -S` with mypy's own folder first on sys.path never does.
    run = run_mypy({"mypy.py": FAKE_TOOL + "x: int = 'text'\n"})
    assert "all good" not in run.output
    assert [f.code for f in run.findings] == ["assignment"]


def test_ruff_ignores_noqa_and_reports_the_selected_rules_only() -> None:
    source = "import os  # noqa: F401\nx = 1 == True\n"
    run = run_ruff({"calc_tidy.py": source}, select=["F"])
    assert [(f.line, f.code) for f in run.findings] == [(1, "F401")]


def test_tool_file_names_must_be_plain_python_files() -> None:
    for name in ["../escape.py", "pyproject.toml", ".hidden.py", "sub/dir.py"]:
        with pytest.raises(ValueError, match="plain"):
            run_ruff({name: "x = 1\n"}, select=["F"])


SQLALCHEMY_FILE = """\
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine


def make(url: str) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(create_async_engine(url))


def wrong(sessions: async_sessionmaker[AsyncSession]) -> int:
    return sessions  # a type error mypy must report with or without a seed
"""


def test_a_file_that_imports_sqlalchemy_gets_a_seed_with_it_and_the_same_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = {"bank.py": SQLALCHEMY_FILE}
    assert tools.seeded_libraries(files) == ("sqlalchemy",)
    assert tools.seeded_libraries({"plain.py": "import decimal\n"}) == ()
    seeded = run_mypy(files)
    assert [(f.line, f.code) for f in seeded.findings] == [(10, "return-value")]
    monkeypatch.setattr(tools, "_mypy_seed", lambda libraries=(): None)  # check it all cold
    assert run_mypy(files).findings == seeded.findings


SQLITE_FILE = """\
import sqlite3


def count(connection: sqlite3.Connection) -> int:
    return connection.execute("SELECT 1")  # a Cursor: mypy must say so, seed or not
"""


def test_sqlite3_is_in_the_seed_and_changes_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    seed = tools._mypy_seed()
    assert seed is not None
    assert "sqlite3" in tools._seed_source(())
    seeded = run_mypy({"bank.py": SQLITE_FILE})
    assert [(f.line, f.code) for f in seeded.findings] == [(5, "return-value")]
    monkeypatch.setattr(tools, "_mypy_seed", lambda libraries=(): None)  # check it all cold
    assert run_mypy({"bank.py": SQLITE_FILE}).findings == seeded.findings


def test_a_seed_is_placed_whole_or_not_at_all(tmp_path: Path) -> None:
    seed = tools._mypy_seed()
    assert seed is not None
    half = tmp_path / ".mypy_cache.copying"  # a copy a killed run left half done
    half.mkdir()
    (half / "partial").write_text("", encoding="utf-8")
    tools._place_seed(seed, tmp_path)
    placed = tmp_path / ".mypy_cache"
    assert sorted(p.relative_to(placed) for p in placed.rglob("*")) == sorted(
        p.relative_to(seed) for p in seed.rglob("*")
    )
    assert not half.exists()
    (placed / "marker").write_text("", encoding="utf-8")
    tools._place_seed(seed, tmp_path)  # a cache is there: it is the run's own, kept
    assert (placed / "marker").is_file()


UNTYPED = {"calc_typed.py": "def mean(values):\n    return sum(values)\n"}


def test_a_mypy_run_started_early_is_the_run_the_grader_then_asks_for() -> None:
    runs_before = tools.mypy_runs
    tools.start_mypy(UNTYPED)
    tools.start_mypy(UNTYPED)  # the same run twice: started once
    assert tools.mypy_runs == runs_before + 1
    early = run_mypy(UNTYPED)
    assert tools.mypy_runs == runs_before + 1  # collected, not run again
    assert early == run_mypy(UNTYPED)  # the same answer as a run made on the spot
    assert tools.mypy_runs == runs_before + 2


def test_a_run_started_for_other_files_or_flags_is_not_taken() -> None:
    tools.start_mypy(UNTYPED, "--allow-untyped-defs")
    try:
        run = run_mypy(UNTYPED)  # other flags: run on the spot, with the grader's flags
        assert [f.code for f in run.findings] == ["no-untyped-def"]
    finally:
        tools.discard_early_runs()


def test_early_runs_nobody_asked_for_are_killed_and_their_folders_deleted() -> None:
    tools.start_mypy(UNTYPED)
    [early] = tools._early_runs
    folder = early.folder.path
    assert folder.is_dir()
    tools.discard_early_runs()
    assert tools._early_runs == []
    assert not folder.exists()
    with pytest.raises(ChildProcessError):  # killed and reaped: no zombie is left
        os.waitpid(early.pid, os.WNOHANG)


def test_a_mypy_fork_never_runs_the_parents_finalizers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked mypy must not wait forever on a thread the fork did not copy.

    A judge can hold a gateway (a server thread) whose clean-up waits for that thread;
    left as garbage with a finalizer, a collection in the forked child would run it and
    hang. The child freezes what it inherited, so the run finishes.
    """
    monkeypatch.setattr(tools, "TOOL_TIMEOUT_SECONDS", 20)
    gateway = FlakyGateway(tmp_path / "gateway.sock")
    try:
        for _ in range(3):  # garbage in a cycle, its finalizer the gateway's shutdown
            box = _Cycle()
            weakref.finalize(box, gateway.close)
            del box
            run = run_mypy(UNTYPED)  # forked at once, before the parent collects it
            assert [f.code for f in run.findings] == ["no-untyped-def"]
    finally:
        gc.collect()  # the finalizers run here, in the parent, where the thread is
        gateway.close()


class _Cycle:
    """An object in a reference cycle: only the garbage collector frees it."""

    def __init__(self) -> None:
        self.me = self
