"""The code-quality lesson gets the same verdict and points on every path, every run.

Issue 9, item 7, for the quality lesson on grading v2: the reference, the untouched
starter and every known wrong answer are graded through the three ways a verdict is
asked for: `zendo check` (a cold process per notebook), `zendo grade --jobs 2` (the
batch, warm workers) and `check()` in a real Jupyter kernel (the warm judge) — each
path twice — and every run gives every exercise the same status and points. CLI and
batch also agree test by test (status and hint).

Wrong answers are packed to keep this fast: round k's notebook holds the k-th known
wrong answer of every exercise, so a whole notebook of wrong answers is graded per run;
an exercise with fewer wrong answers has no cell in the later rounds, so nothing is
graded twice.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, replace_cells
from tests.test_notebook import run_in_kernel, shown
from zendo._course import load_course
from zendo._notebook import read_cells

pytestmark = pytest.mark.slow

COURSE = load_course(REPO)
[LESSON] = [lesson for lesson in COURSE.lessons if lesson.slug == "quality"]
EXERCISES = [exercise.id for exercise in LESSON.data.exercises]
WRONG = {
    exercise_id: sorted((REPO / "tests" / "graders" / "wrong" / exercise_id).glob("*.py"))
    for exercise_id in EXERCISES
}
ROUNDS = max(len(paths) for paths in WRONG.values())
NOTEBOOK = f"{LESSON.stem}.ipynb"
NO_CELL = "# (this submission has no cell for this exercise)\n"
VERDICT = re.compile(
    r"^\s*(?P<status>[A-Z]+)\s+(?P<id>quality\.[a-z_]+): .*\((?P<points>[\d.]+)/\d+\)\s*$"
)

Verdicts = dict[str, dict[str, tuple[str, float]]]  # submission -> exercise -> status, points
Cells = dict[str, dict[str, str]]  # submission -> exercise -> the cell it holds
Run = tuple[Verdicts, dict[str, object]]  # verdicts, and each test's status and hint


def _course_copy(root: Path) -> Path:
    """A private copy of the course, so the kernel's saved verdicts land there."""
    for folder in ("course", "exercises", "solutions"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copytree(
        REPO / "tests" / "graders",
        root / "tests" / "graders",
        ignore=shutil.ignore_patterns("wrong"),
    )
    return root


def _submissions(root: Path, folder: Path) -> Cells:
    """Write each submission as <name>/<lesson>.ipynb; return its exercise cells by id."""
    solution = LESSON.notebook_path(root, "solutions")
    reference = {cell.exercise_id: cell.source for cell in read_cells(solution) if cell.exercise_id}
    starter_path = LESSON.notebook_path(root, "exercises")
    starter = {
        cell.exercise_id: cell.source for cell in read_cells(starter_path) if cell.exercise_id
    }
    cells = {"reference": reference, "starter": starter}
    for number in range(ROUNDS):
        cells[f"wrong{number + 1}"] = {
            exercise_id: paths[number].read_text(encoding="utf-8")
            for exercise_id, paths in WRONG.items()
            if number < len(paths)
        }
    for name, sources in cells.items():
        target = folder / name / NOTEBOOK
        target.parent.mkdir(parents=True)
        # An exercise without a wrong answer left in this round has no cell at all: it
        # costs nothing to grade, and is left out of the comparison.
        replace_cells(solution, {ex: sources.get(ex, NO_CELL) for ex in EXERCISES}, target)
    return cells


def _from_report(report: dict[str, object], cells: Cells) -> Run:
    """Verdicts of the exercises each submission has a cell for, and each test's status
    and hint."""
    verdicts: Verdicts = {}
    tests: dict[str, object] = {}
    for submission in report["submissions"]:  # type: ignore[attr-defined]
        name = Path(submission["source"]).parent.name
        for exercise in submission["exercises"]:
            if exercise["id"] not in cells[name]:
                continue
            verdicts.setdefault(name, {})[exercise["id"]] = (
                exercise["status"],
                float(exercise["points"]),
            )
            for test in exercise["tests"]:
                tests[f"{name}|{exercise['id']}|{test['name']}"] = (test["status"], test["hint_id"])
    return verdicts, tests


def _zendo(root: Path, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "zendo", "--course", str(root), *arguments],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> dict[str, object]:
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), err[-2000:]
    report: dict[str, object] = json.loads(out)
    return report


def _cli_runs(root: Path, folder: Path, cells: Cells) -> Run:
    """`zendo check IDS --notebook` per submission, two at a time (2 cores here)."""
    verdicts: Verdicts = {}
    tests: dict[str, object] = {}
    names = list(cells)
    for start in range(0, len(names), 2):
        running = []
        for name in names[start : start + 2]:
            notebook = str(folder / name / NOTEBOOK)
            command = ("check", *cells[name], "--notebook", notebook, "--format", "json")
            running.append(_zendo(root, *command))
        for process in running:
            found, found_tests = _from_report(_finish(process), cells)
            verdicts.update(found)
            tests.update(found_tests)
    return verdicts, tests


def _kernel_runs(root: Path, cells: Cells, passes: int) -> list[Verdicts]:
    """check() in one real kernel: run each submission's cells, check each, `passes` times."""
    code = ["# setup\nfrom zendo.notebook import check"]
    order: list[tuple[int, str, str]] = []
    for number in range(passes):
        for name, sources in cells.items():
            for exercise_id, source in sources.items():
                code += [source, f"check({exercise_id!r})"]
                order.append((number, name, exercise_id))
    # One list of outputs per cell (run_in_kernel's annotation says otherwise).
    outputs: list[Any] = run_in_kernel(root / "exercises", code)
    runs: list[Verdicts] = [{} for _ in range(passes)]
    for index, (number, name, exercise_id) in enumerate(order):
        text = shown(outputs[2 + 2 * index])
        match = VERDICT.match(text.splitlines()[0] if text else "")
        assert match, (name, exercise_id, text[:500])
        assert match["id"] == exercise_id, (name, text[:500])
        runs[number].setdefault(name, {})[exercise_id] = (
            match["status"].lower(),
            float(match["points"]),
        )
    return runs


def _batch_and_cli_runs(root: Path, folder: Path, cells: Cells) -> tuple[list[Run], list[Run]]:
    """Two batches of every submission (`zendo grade --jobs 2`), then two CLI rounds."""
    command = ("grade", str(folder), "--jobs", "2", "--format", "json")
    batch = [_from_report(_finish(_zendo(root, *command)), cells) for _ in range(2)]
    cli = [_cli_runs(root, folder, cells) for _ in range(2)]
    return batch, cli


def test_every_path_gives_the_same_verdicts_every_run(tmp_path: Path) -> None:
    root = _course_copy(tmp_path / "course")
    folder = tmp_path / "class"
    cells = _submissions(root, folder)

    # The kernel checks one exercise at a time, so the other two paths (plain
    # subprocesses) run beside it; the kernel stays in this thread, where its event loop is.
    with ThreadPoolExecutor(max_workers=1) as pool:
        outside = pool.submit(_batch_and_cli_runs, root, folder, cells)
        kernel = _kernel_runs(root, cells, passes=2)
        batch, cli = outside.result(timeout=600)

    expected, expected_tests = batch[0]
    # The verdicts mean something: the reference passes, the starter and every known
    # wrong answer fail their exercise.
    assert {name: set(found) for name, found in expected.items()} == {
        name: set(sources) for name, sources in cells.items()
    }
    assert all(status == "pass" for status, _ in expected["reference"].values())
    assert all(status == "fail" for status, _ in expected["starter"].values())
    for exercise_id, paths in WRONG.items():
        for number in range(len(paths)):
            status, _ = expected[f"wrong{number + 1}"][exercise_id]
            assert status != "pass", (exercise_id, paths[number].name)
    for label, (verdicts, tests) in [("batch 2", batch[1]), ("cli 1", cli[0]), ("cli 2", cli[1])]:
        assert verdicts == expected, label
        assert tests == expected_tests, label
    for number, verdicts in enumerate(kernel, start=1):
        assert verdicts == expected, f"kernel {number}"
