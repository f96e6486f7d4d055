"""Reading the code a learner last ran, from the IPython kernel's input history.

`check()` grades exactly what the learner last ran for an exercise, without a save: the
most recent run of the exercise cell, plus the set-up cells as last run. The result is
built with the same function as for a saved notebook, so the graders see the same file.

History numbers are execution counts, not places in the notebook: messages name a cell
by its position in the notebook file the kernel serves (JupyterLab puts its path in
`JPY_SESSION_NAME`), or by the exercise's id when that file cannot be found.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from zendo._errors import NotebookError
from zendo._extract import ExerciseSource, extract_from_cells
from zendo._notebook import SETUP_MARKER, Cell, read_cells

logger = logging.getLogger(__name__)


def kernel_history() -> list[str]:
    """The raw inputs this kernel has run, oldest first (empty outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return []
    shell = get_ipython()
    if shell is None:
        return []
    return [str(entry) for entry in shell.history_manager.input_hist_raw]


def session_notebook() -> Path | None:
    """The notebook file this kernel runs for, when JupyterLab says and it exists.

    `JPY_SESSION_NAME` is usually absolute; a server may give it relative to its root,
    and the kernel starts in the notebook's folder, so those places are tried too.
    """
    name = os.environ.get("JPY_SESSION_NAME", "")
    if not name.endswith(".ipynb"):
        return None
    given = Path(name)
    here = Path.cwd()
    places = [given] if given.is_absolute() else [here / given, here / given.name]
    places += [] if given.is_absolute() else [parent / given for parent in here.parents]
    return next((place for place in places if place.is_file()), None)


def sources_from_history(
    history: Sequence[str], exercise_id: str, notebook: Path | None = None
) -> ExerciseSource | None:
    """The graded source of `exercise_id` as last run, or None if its cell never ran.

    `notebook` is the file the kernel serves (by default the one `JPY_SESSION_NAME`
    names); it is read only to say where cells sit, never for the code that is graded.
    """
    last_run: dict[str, int] = {}
    for number, source in enumerate(history):
        last_run[source] = number
    # Each distinct input once, at its latest run, in the order of those runs: a set-up
    # cell run twice counts once, and an edited one counts in its latest version last.
    # The text is kept exactly as run, so graders that read it see what a save would.
    ordered = sorted(last_run.items(), key=lambda item: item[1])
    cells = [Cell(index=number - 1, cell_type="code", source=source) for source, number in ordered]
    exercise_runs = [cell for cell in cells if cell.exercise_id == exercise_id]
    if not exercise_runs:
        return None
    latest = max(exercise_runs, key=lambda cell: cell.index)
    setup_cells = [cell for cell in cells if cell.first_line == SETUP_MARKER]
    others = [
        cell for cell in cells if cell.exercise_id is None and cell.first_line != SETUP_MARKER
    ]
    positions = _positions_in(notebook or session_notebook())

    def position(cell: Cell) -> int | None:
        if cell.exercise_id is not None:
            return positions.get(f"# exercise: {cell.exercise_id}")
        return positions.get(cell.source.strip())

    return extract_from_cells([*setup_cells, *others, latest], [exercise_id], position).get(
        exercise_id
    )


def _positions_in(notebook: Path | None) -> dict[str, int]:
    """Where cells sit in the saved notebook: by exercise marker, and by exact source.

    An exercise cell is found by its marker even when its code changed since the last
    save; another cell only by its source as saved (an unsaved edit gives no number
    rather than a wrong one).
    """
    if notebook is None:
        return {}
    try:
        cells = read_cells(notebook)
    except NotebookError as error:
        # The path may hold a learner's name: log what went wrong, not where.
        logger.info(
            "Cannot read the kernel's notebook for cell positions",
            extra={"reason": type(error).__name__},
        )
        return {}
    positions: dict[str, int] = {}
    for cell in cells:
        if cell.cell_type != "code":
            continue
        positions[cell.source.strip()] = cell.index + 1
        if cell.exercise_id is not None:
            # The last copy wins, as when grading the saved notebook.
            positions[f"# exercise: {cell.exercise_id}"] = cell.index + 1
    return positions
