"""The common Jupyter traps, caught and explained in a real kernel.

A restarted kernel has forgotten the set-up and the exercise cell; a cell edited but not
run again is not what `check()` grades. Each is met here as a learner meets it: cells run
in a real IPython kernel started in the exercise notebook's folder, with JupyterLab's
`JPY_SESSION_NAME` naming the saved notebook.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from tests.conftest import REPO
from zendo._course import Course, load_course
from zendo._notebook import read_cells

RIGHT_ADD = "# exercise: demo.add\ndef add(a, b):\n    return a + b"
EDITED_ADD = "# exercise: demo.add\ndef add(a, b):\n    return a + b + 0"
CHECK = "from zendo.notebook import check\n\ncheck('demo.add')"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def run_cells(folder: Path, cells: list[str], session: Path) -> list[list[dict[str, Any]]]:
    """Run cells in a real kernel whose JupyterLab session is the notebook `session`."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    previous = os.environ.get("JPY_SESSION_NAME")
    os.environ["JPY_SESSION_NAME"] = str(session)  # the kernel inherits it, as from JupyterLab
    try:
        client.execute()
    finally:
        if previous is None:
            os.environ.pop("JPY_SESSION_NAME", None)
        else:
            os.environ["JPY_SESSION_NAME"] = previous
    return [cell.outputs for cell in notebook.cells]


def text_of(outputs: list[dict[str, Any]]) -> str:
    parts = []
    for output in outputs:
        if output.get("output_type") == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
        data = output.get("data", {})
        if "text/plain" in data and WIDGET_VIEW not in data:
            parts.append(data["text/plain"])
        parts.append(output.get("text", ""))
    return "\n".join(parts)


def test_every_check_progress_and_quiz_cell_imports_what_it_calls() -> None:
    """After a kernel restart, a learner runs just that one cell: it must not NameError."""
    course = load_course(REPO)
    for lesson in course.lessons:
        for folder in ("exercises", "notebooks"):
            path = lesson.notebook_path(REPO, folder)
            if path.exists():
                _assert_cells_import_what_they_call(path)


def _assert_cells_import_what_they_call(path: Path) -> None:
    for cell in read_cells(path):
        for name in ("check", "progress", "quiz"):
            if cell.cell_type == "code" and re.search(rf"^{name}\(", cell.source, re.M):
                assert f"from zendo.notebook import {name}" in cell.source, (path, cell)


def test_a_check_after_a_restart_says_what_to_run(fixture_course: Course) -> None:
    session = fixture_course.root / "exercises" / "01_demo.ipynb"
    [before_setup] = run_cells(session.parent, [CHECK], session)
    shown = text_of(before_setup)
    assert "NameError" not in shown
    assert "Run the # setup cell first" in shown
    setup = next(cell.source for cell in read_cells(session) if cell.is_setup)
    [_, before_exercise] = run_cells(session.parent, [setup, CHECK], session)
    assert "Run the exercise cell of demo.add first" in text_of(before_exercise)


def test_a_check_of_a_cell_edited_since_it_ran_says_so(fixture_course: Course) -> None:
    session = fixture_course.root / "exercises" / "01_demo.ipynb"
    setup = next(cell.source for cell in read_cells(session) if cell.is_setup)
    # The learner runs the right answer, then edits the cell; JupyterLab autosaves the edit.
    save_edit = (
        "import json, time, pathlib\n"
        "time.sleep(0.05)\n"
        f"path = pathlib.Path({str(session)!r})\n"
        "notebook = json.loads(path.read_text())\n"
        "for cell in notebook['cells']:\n"
        "    if ''.join(cell['source']).startswith('# exercise: demo.add'):\n"
        f"        cell['source'] = {EDITED_ADD!r}\n"
        "path.write_text(json.dumps(notebook))\n"
    )
    outputs = run_cells(
        session.parent, [setup, RIGHT_ADD, CHECK, save_edit, CHECK, EDITED_ADD, CHECK], session
    )
    assert "changed this exercise cell" not in text_of(outputs[2])
    assert "PASS" in text_of(outputs[2])
    stale = text_of(outputs[4])
    assert "You changed this exercise cell since you last ran it" in stale
    assert "PASS" in stale  # still the verdict of the code that ran
    assert "changed this exercise cell" not in text_of(outputs[6])


def test_the_check_of_an_unsaved_notebook_does_not_cry_wolf(fixture_course: Course) -> None:
    session = fixture_course.root / "exercises" / "01_demo.ipynb"
    setup = next(cell.source for cell in read_cells(session) if cell.is_setup)
    # The saved file is older than the run: an unsaved edit cannot be seen, and a saved
    # starter that differs from the run is the learner's newer work, not an old edit.
    old = time.time() - 3600
    os.utime(session, (old, old))
    outputs = run_cells(session.parent, [setup, RIGHT_ADD, CHECK], session)
    assert "changed this exercise cell" not in text_of(outputs[2])
    assert json.loads(session.read_text())  # untouched and still a notebook
