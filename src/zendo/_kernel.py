"""Reading the code a learner last ran, from the IPython kernel's input history.

`check()` grades exactly what the learner last ran for an exercise, without a save: the
most recent run of the exercise cell, plus the set-up cells as last run. The result is
built with the same function as for a saved notebook, so the graders see the same file.
"""

from __future__ import annotations

from collections.abc import Sequence

from zendo._extract import ExerciseSource, extract_from_cells
from zendo._notebook import SETUP_MARKER, Cell


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


def sources_from_history(history: Sequence[str], exercise_id: str) -> ExerciseSource | None:
    """The graded source of `exercise_id` as last run, or None if its cell never ran."""
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
    return extract_from_cells([*setup_cells, *others, latest], [exercise_id]).get(exercise_id)
