"""`zendo prepare` builds mypy's caches and bytecode ahead, so that no first check waits.

Proven on a machine with no cache yet (`XDG_CACHE_HOME` pointed at an empty folder):
`zendo prepare` builds exactly the seeds the course's mypy-graded lessons need, and a
real check of a mypy-graded exercise afterwards finds its seed ready (it builds none).
With `PYTHONDONTWRITEBYTECODE` set, as judges always run, it still writes the bytecode
a batch judge's imports and the course's graders load.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_COURSE, REPO

pytestmark = pytest.mark.slow  # real mypy runs

ZENDO = Path(sys.executable).with_name("zendo")


def _zendo(cache: Path, *arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ZENDO, *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
        env={**os.environ, "XDG_CACHE_HOME": str(cache)},
    )


def _seeds(cache: Path) -> set[str]:
    folder = cache / "zendo"
    return {path.name for path in folder.iterdir()} if folder.is_dir() else set()


def test_prepare_builds_the_seeds_the_first_checks_would_have_built(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    done = _zendo(cache, "--course", REPO, "prepare")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "Bytecode of zendo and of the course's graders: written.",
        "mypy's cache of the standard library and pydantic: ready.",
        "mypy's cache of the standard library and pydantic, sqlalchemy: ready.",
    ]
    prepared = _seeds(cache)
    assert len(prepared) == 2
    assert all((cache / "zendo" / name / ".complete").is_file() for name in prepared)
    checked = _zendo(
        cache, "check", "quality.pydantic_model", "--notebook", "solutions/02_code_quality.ipynb"
    )
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    assert _seeds(cache) == prepared  # the check built no seed of its own


def test_prepare_builds_no_mypy_cache_for_a_course_graded_without_mypy(tmp_path: Path) -> None:
    done = _zendo(tmp_path / "cache", "--course", FIXTURE_COURSE, "prepare")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no mypy cache to build" in done.stdout
    assert _seeds(tmp_path / "cache") == set()


def test_prepare_in_a_copy_without_solutions_builds_the_plain_seed(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    for part in ("course", "exercises", "tests"):
        shutil.copytree(REPO / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    done = _zendo(tmp_path / "cache", "--course", copy, "prepare")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "Bytecode of zendo and of the course's graders: written.",
        "mypy's cache of the standard library and pydantic: ready.",
    ]
    assert len(_seeds(tmp_path / "cache")) == 1


# What a batch judge imports from zendo, listed by the judge's own interpreter.
JUDGE_IMPORTS = (
    "import json, sys; import zendo.judge.batch_start, zendo.judge.batch_server; "
    "print(json.dumps([m.__file__ for n, m in sys.modules.items() if n.startswith('zendo')]))"
)


def _bytecode_is_current(source: Path) -> bool:
    """The bytecode Python would load for `source`: there, and stamped with its mtime and size."""
    cached = Path(importlib.util.cache_from_source(str(source)))
    if not cached.is_file():
        return False
    header = cached.read_bytes()[:16]
    stat = source.stat()
    stamped = (int.from_bytes(header[8:12], "little"), int.from_bytes(header[12:16], "little"))
    return stamped == (int(stat.st_mtime) & 0xFFFFFFFF, stat.st_size & 0xFFFFFFFF)


def test_prepare_writes_the_bytecode_judges_never_write(tmp_path: Path) -> None:
    copy = tmp_path / "course"
    shutil.copytree(FIXTURE_COURSE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    graders = sorted((copy / "tests" / "graders").rglob("*.py"))
    assert graders
    assert not any(_bytecode_is_current(path) for path in graders)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "XDG_CACHE_HOME": str(tmp_path)}
    done = subprocess.run(
        [ZENDO, "--course", copy, "prepare"],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[0] == "Bytecode of zendo and of the course's graders: written."
    assert all(_bytecode_is_current(path) for path in graders)
    imported = subprocess.run(
        [sys.executable, "-P", "-c", JUDGE_IMPORTS],
        capture_output=True, text=True, timeout=60, check=True, env=env,
    )  # fmt: skip
    modules = [Path(name) for name in json.loads(imported.stdout)]
    assert len(modules) > 20
    assert [path for path in modules if not _bytecode_is_current(path)] == []
