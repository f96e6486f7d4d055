"""Noticing the commonest Jupyter trap: an exercise cell edited but not run again.

`check()` grades the code the kernel last ran, which is what makes it need no save. A
learner who edits the exercise cell and runs only the check cell is then graded on the
old code, and is puzzled. The kernel cannot see the editor, but it can see the saved
notebook (JupyterLab autosaves; the course's settings make that every 15 s): when the
notebook was saved *after* the exercise cell last ran and the saved cell differs from
what ran, the cell was edited since, and the check says so.

Run times are recorded by an IPython `post_run_cell` hook, registered when
`zendo.notebook` is imported (the `# setup` cell does that). An exercise cell that ran
before the hook existed ran before the hook's start, so that start is a safe bound.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from zendo._errors import ZendoError
from zendo._notebook import Cell, read_cells

logger = logging.getLogger(__name__)

_last_run_at: dict[str, float] = {}
_clock_started_at: list[float] = []


def start_run_clock() -> None:
    """Record when each exercise cell runs in this kernel (once per kernel; no-op elsewhere)."""
    if _clock_started_at:
        return
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.events.register("post_run_cell", _on_post_run_cell)
    _clock_started_at.append(time.time())


def _on_post_run_cell(result: object) -> None:
    raw = getattr(getattr(result, "info", None), "raw_cell", None)
    if isinstance(raw, str):
        note_run(raw)


def note_run(source: str, at: float | None = None) -> None:
    """Remember that a cell with this source ran now (or at `at`, a `time.time()` value)."""
    exercise_id = Cell(index=0, cell_type="code", source=source).exercise_id
    if exercise_id is not None:
        _last_run_at[exercise_id] = time.time() if at is None else at


def edited_since_run(exercise_id: str, ran_source: str, notebook: Path | None) -> bool:
    """True when `notebook`, saved after the exercise's last run, holds other code for it."""
    if notebook is None or not _clock_started_at:
        return False
    ran_at = _last_run_at.get(exercise_id, _clock_started_at[0])
    try:
        if notebook.stat().st_mtime <= ran_at:
            return False
        cells: list[Cell] = read_cells(notebook)
    except (OSError, ZendoError):  # a notebook mid-save is simply not evidence
        logger.debug("Could not read the session notebook", extra={"exercise": exercise_id})
        return False
    saved = [cell.source for cell in cells if cell.exercise_id == exercise_id]
    return bool(saved) and saved[-1].rstrip() != ran_source.rstrip()
