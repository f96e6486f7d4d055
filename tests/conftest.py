"""Shared fixtures: a small fixture course copied per test, and notebook builders."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Generator, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.postgres_cluster import (  # noqa: F401 - fixtures: the session's PostgreSQL
    _postgres_for_transactions,
    _postgres_session,
    postgres_server,
)
from zendo._course import Course, load_course

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
REPO = Path(__file__).resolve().parents[1]

NotebookMaker = Callable[[Mapping[str, str]], Path]

# Set on a test item whose call failed, so fixtures can keep evidence (screenshots).
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    """A private copy of the fixture course, so tests may change it."""
    root = tmp_path / "course-root"
    shutil.copytree(FIXTURE_COURSE, root, ignore=shutil.ignore_patterns(".zendo"))
    return root


@pytest.fixture
def fixture_course(course_root: Path) -> Course:
    return load_course(course_root)


def replace_cells(solution: Path, replacements: Mapping[str, str], target: Path) -> Path:
    """Copy a notebook, replacing the source of the exercise cells named in `replacements`."""
    notebook = json.loads(solution.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        first = source.split("\n", 1)[0].strip()
        for exercise_id, replacement in replacements.items():
            if first == f"# exercise: {exercise_id}":
                cell["source"] = replacement
    target.write_text(json.dumps(notebook), encoding="utf-8")
    return target


@pytest.fixture
def make_notebook(course_root: Path, tmp_path: Path) -> NotebookMaker:
    """Build a submission from the fixture solution with some exercise cells replaced."""
    counter = iter(range(1000))

    def make(replacements: Mapping[str, str]) -> Path:
        target = tmp_path / f"submission-{next(counter)}.ipynb"
        return replace_cells(course_root / "solutions" / "01_demo.ipynb", replacements, target)

    return make


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
