"""Putting one exercise cell back to its starter, after backing up the learner's notebook."""

from __future__ import annotations

import logging
from pathlib import Path

from zendo._build import notebook_text, recorded_starters, replace_solution_regions
from zendo._course import Course
from zendo._errors import InputError
from zendo._files import back_up, write_text_atomically
from zendo._notebook import Cell, cell_source, read_cells, read_notebook_json

logger = logging.getLogger(__name__)


def reset_exercise(course: Course, exercise_id: str, notebook: Path) -> Path:
    """Restore `exercise_id`'s starter cell in `notebook`; return the backup's path."""
    course.exercise(exercise_id)  # an unknown id is a usage error, before any file is touched
    data = read_notebook_json(notebook)
    starter = recorded_starters(data).get(exercise_id) or _starter_from_solutions(
        course, exercise_id
    )
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise InputError(f"{notebook}: the notebook's 'cells' is not a list.")
    backup = back_up(course.root, notebook)
    target = None
    for raw in cells:
        if isinstance(raw, dict) and raw.get("cell_type") == "code":
            source = cell_source(raw.get("source", ""))
            if Cell(0, "code", source).exercise_id == exercise_id:
                target = raw
    if target is None:
        # The learner deleted the cell: bring it back at the end rather than guess a place.
        target = {"cell_type": "code", "metadata": {}, "id": f"reset-{exercise_id}"}
        cells.append(target)
    target.update(source=starter, outputs=[], execution_count=None)
    write_text_atomically(notebook, notebook_text(data))
    logger.info("Reset an exercise cell", extra={"exercise": exercise_id})
    return backup


def _starter_from_solutions(course: Course, exercise_id: str) -> str:
    lesson = course.lesson_of(course.exercise(exercise_id))
    solution = lesson.notebook_path(course.root, "solutions")
    if solution.exists():
        for cell in read_cells(solution):
            if cell.exercise_id == exercise_id:
                return replace_solution_regions(cell.source, f"{solution}, cell {cell.index + 1}")
    raise InputError(
        f"No starter is recorded for {exercise_id} in this notebook and this copy of the "
        "course has no solutions to rebuild it from; restore the notebook with git instead."
    )
