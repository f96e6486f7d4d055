"""Building a submission's source from notebook cells: what a kernel accepts, grading accepts.

A kernel runs each cell on its own, so `from __future__ import annotations` at the top of
an exercise cell is fine there; in the one file grading builds (setup cells, then the
exercise cell) Python wants it first. Grading moves it to the top and keeps every other
line where it was, so messages still name the right cell line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import replace_cells
from zendo._extract import extract_from_cells
from zendo._notebook import read_cells

REPO = Path(__file__).resolve().parents[1]
MONEY_SOLUTIONS = REPO / "solutions" / "05_money.ipynb"


def write_notebook(path: Path, *sources: str) -> Path:
    cells = [
        {
            "cell_type": "code",
            "metadata": {},
            "source": source,
            "outputs": [],
            "execution_count": None,
        }
        for source in sources
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_future_imports_move_to_the_top_and_lines_stay_put(tmp_path: Path) -> None:
    notebook = write_notebook(
        tmp_path / "n.ipynb",
        "# setup\nfrom __future__ import annotations\nimport math\n",
        "# exercise: demo.area\nfrom __future__ import (\n    annotations,\n)\n\n"
        "def area(r: float) -> float:\n    return math.pi * r * r\n",
    )
    source = extract_from_cells(read_cells(notebook), ["demo.area"])["demo.area"]
    lines = source.source.split("\n")
    assert lines[0] == "from __future__ import annotations"
    assert sum("import annotations" in line or "annotations," in line for line in lines) == 1
    compile(source.source, "demo_area.py", "exec")  # Python accepts the file as built
    cell_lines = lines[source.cell_start_line - 1 :]
    assert cell_lines[0] == "# exercise: demo.area"
    assert cell_lines[5] == "def area(r: float) -> float:"  # line 6 of the cell, as written


def test_a_future_import_in_an_exercise_cell_is_graded_like_any_answer(tmp_path: Path) -> None:
    """Through `zendo check`, as a learner runs it: the reference still passes."""
    cells = {
        cell.exercise_id: cell.source for cell in read_cells(MONEY_SOLUTIONS) if cell.exercise_id
    }
    first, rest = cells["money.round_money"].split("\n", 1)
    with_future = f"{first}\nfrom __future__ import annotations\n{rest}"
    notebook = replace_cells(
        MONEY_SOLUTIONS, {"money.round_money": with_future}, tmp_path / "s.ipynb"
    )
    done = subprocess.run(
        [sys.executable, "-m", "zendo", "check", "money.round_money", "--notebook", str(notebook)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SyntaxError" not in done.stdout
