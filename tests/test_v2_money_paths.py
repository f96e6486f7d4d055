"""The money lesson gets the same points on every path, every run (issue 9, item 7).

The reference, the untouched starter and every known wrong answer are graded through the
three entry points a user has: `zendo check` (the command line, a cold judge),
`zendo grade --jobs 2` (a batch, a warm judge in each worker) and `check()` in a real
Jupyter kernel (the notebook's warm judge), each twice. Every exercise must get the same
points everywhere. Wrong answers are packed several to a notebook, one per exercise, so
each run grades whole notebooks.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO, replace_cells
from zendo._course import load_course
from zendo._notebook import read_cells

pytestmark = pytest.mark.slow

LESSON = "05_money"
WRONG = sorted((REPO / "tests" / "graders" / "wrong").glob("money.*/*.py"))
EXERCISES = [exercise.id for exercise in load_course(REPO).lesson("money").data.exercises]
Points = dict[str, float]  # exercise id → points


def cells_of(notebook: Path) -> dict[str, str]:
    """The exercise cells of a notebook, by exercise id."""
    return {c.exercise_id: c.source for c in read_cells(notebook) if c.exercise_id}


def variants() -> dict[str, dict[str, str]]:
    """Every submission to grade: name → the source of each exercise cell.

    The reference, the starter, and the known wrong answers packed one per exercise to a
    notebook (wrong-0 holds each exercise's first wrong answer, and so on), the other
    exercises keeping the reference's cell.
    """
    reference = cells_of(REPO / "solutions" / f"{LESSON}.ipynb")
    found: dict[str, dict[str, str]] = {
        "reference": reference,
        "starter": cells_of(REPO / "exercises" / f"{LESSON}.ipynb"),
    }
    wrong: dict[str, list[str]] = {}
    for path in WRONG:
        wrong.setdefault(path.parent.name, []).append(path.read_text(encoding="utf-8"))
    for round_ in range(max(len(answers) for answers in wrong.values())):
        replaced = {ex: answers[round_] for ex, answers in wrong.items() if round_ < len(answers)}
        found[f"wrong-{round_}"] = reference | replaced
    return found


VARIANTS = variants()
# What each variant is graded on: every exercise of the reference and the starter, and
# in a notebook of wrong answers the exercises that hold one (the rest is the reference).
GRADED = {
    name: [
        exercise_id
        for exercise_id in EXERCISES
        if name in ("reference", "starter")
        or cells[exercise_id] != VARIANTS["reference"][exercise_id]
    ]
    for name, cells in VARIANTS.items()
}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The money lesson alone, copied, so the kernel's checks record progress in the copy."""
    root = tmp_path_factory.mktemp("money-paths") / "course"
    (root / "course").mkdir(parents=True)
    for name in ("course.toml", f"{LESSON}.toml"):
        shutil.copy(REPO / "course" / name, root / "course" / name)
    shutil.copytree(REPO / "tests" / "graders" / LESSON, root / "tests" / "graders" / LESSON)
    for folder in ("exercises", "solutions"):
        (root / folder).mkdir()
        shutil.copy(REPO / folder / f"{LESSON}.ipynb", root / folder / f"{LESSON}.ipynb")
    return root


@pytest.fixture(scope="module")
def notebooks(course: Path) -> dict[str, Path]:
    """One saved notebook per variant, each in a learner folder of its own."""
    folder = course.parent / "submissions"
    made = {}
    for name, cells in VARIANTS.items():
        (folder / name).mkdir(parents=True)
        made[name] = replace_cells(
            course / "solutions" / f"{LESSON}.ipynb", cells, folder / name / f"{LESSON}.ipynb"
        )
    return made


def zendo(course: Path, *args: str) -> dict[str, Any]:
    """Run the installed `zendo` command; its JSON report (exit 0 or 1: graded)."""
    run = subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(course), *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert run.returncode in (0, 1), run.stdout[-2000:] + run.stderr[-2000:]
    report: dict[str, Any] = json.loads(run.stdout)
    return report


def points_of(submission: dict[str, Any]) -> Points:
    return {exercise["id"]: exercise["points"] for exercise in submission["exercises"]}


def by_check(course: Path, notebooks: dict[str, Path]) -> dict[str, Points]:
    """`zendo check IDS --notebook NB` for every variant (two at a time: two cores)."""

    def one(name: str) -> tuple[str, Points]:
        report = zendo(course, "check", *GRADED[name], "--notebook", str(notebooks[name]))
        [submission] = report["submissions"]
        return name, points_of(submission)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, sorted(notebooks)))


def by_grade(course: Path, notebooks: dict[str, Path]) -> dict[str, Points]:
    """One `zendo grade --jobs 2` batch of every variant."""
    report = zendo(course, "grade", "--jobs", "2", *(str(notebooks[n]) for n in sorted(notebooks)))
    found = {}
    for submission in report["submissions"]:
        name = Path(submission["source"]).parent.name
        found[name] = {k: v for k, v in points_of(submission).items() if k in GRADED[name]}
    return found


VERDICT = re.compile(r"^\s*(PASS|FAIL|ERROR|TIMEOUT)\s+(\S+): .*\((\d+(?:\.\d+)?)/\d+\)", re.M)


def by_kernel(course: Path, rounds: int) -> list[dict[str, Points]]:
    """`check()` in one real kernel: run each variant's cell, then its check, `rounds` times.

    The kernel grades the code that last ran in each exercise cell, as a learner's would;
    the same kernel grades every variant, so nothing one check leaves may change another.
    """
    setup = next(
        c.source for c in read_cells(course / "solutions" / f"{LESSON}.ipynb") if c.is_setup
    )
    sources = [setup]
    order: list[tuple[int, str, str]] = []
    for round_ in range(rounds):
        for name in sorted(VARIANTS):
            for exercise_id in GRADED[name]:
                sources += [VARIANTS[name][exercise_id], f"check({exercise_id!r})"]
                order.append((round_, name, exercise_id))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    folder = course / "exercises"
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    checks = [cell for cell in notebook.cells[1:] if cell.source.startswith("check(")]
    found: list[dict[str, Points]] = [{} for _ in range(rounds)]
    for (round_, name, exercise_id), cell in zip(order, checks, strict=True):
        text = "\n".join(
            output["data"]["text/plain"]
            for output in cell.outputs
            if "data" in output and "text/plain" in output["data"]
        )
        verdicts = {match[2]: float(match[3]) for match in VERDICT.finditer(text)}
        assert exercise_id in verdicts, (name, exercise_id, text[:500])
        found[round_].setdefault(name, {})[exercise_id] = verdicts[exercise_id]
    return found


def test_every_path_gives_every_answer_the_same_points_every_run(
    course: Path, notebooks: dict[str, Path]
) -> None:
    runs: dict[str, Callable[[], dict[str, Points]]] = {
        "zendo check": lambda: by_check(course, notebooks),
        "zendo grade --jobs 2": lambda: by_grade(course, notebooks),
    }
    results = {f"{path}, run {n}": run() for path, run in runs.items() for n in (1, 2)}
    for n, kernel in enumerate(by_kernel(course, rounds=2), start=1):
        results[f"check() in a kernel, run {n}"] = kernel

    expected = results["zendo check, run 1"]
    assert sorted(expected) == sorted(VARIANTS)
    assert all(sorted(points) == sorted(GRADED[name]) for name, points in expected.items())
    assert sum(len(ids) for ids in GRADED.values()) == len(WRONG) + 2 * len(EXERCISES)
    # The proofs these points stand for: the reference passes, the starter scores
    # nothing, and every wrong answer costs its exercise points.
    max_points = {e.id: float(e.points) for e in load_course(REPO).lesson("money").data.exercises}
    assert expected["reference"] == max_points
    assert set(expected["starter"].values()) == {0.0}
    for name, ids in GRADED.items():
        if name.startswith("wrong-"):
            for exercise_id in ids:
                assert expected[name][exercise_id] < max_points[exercise_id], (name, exercise_id)
    different = {
        path: {
            name: (points, expected[name])
            for name, points in found.items()
            if points != expected[name]
        }
        for path, found in results.items()
    }
    assert all(sorted(found) == sorted(VARIANTS) for found in results.values())
    assert not any(different.values()), different
