"""Generating `exercises/` from `solutions/`, without ever destroying a learner's work.

Each solution region (`# BEGIN SOLUTION` … `# END SOLUTION`) becomes its starter, and
outputs are cleared. The generated notebook records the starter of every exercise cell
it wrote (in its metadata, so `zendo reset` works even in a copy without solutions); an
existing exercise notebook whose exercise cells no longer match those starters has been
changed by a learner, so it is kept, backed up, and reported, not overwritten.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from zendo._course import Course, Lesson
from zendo._errors import CourseError, NotebookError
from zendo._files import back_up, write_text_atomically
from zendo._notebook import Cell, cell_source, read_notebook_json

logger = logging.getLogger(__name__)

BEGIN = "# BEGIN SOLUTION"
STARTER = "# STARTER"
END = "# END SOLUTION"
DEFAULT_TODO = "write your solution here"


class BuildAction(StrEnum):
    """What the build did with one exercise notebook."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    REPLACED = "replaced"


@dataclass(frozen=True)
class BuildOutcome:
    """The fate of one exercise notebook, with the backup made of it, if any."""

    path: Path
    action: BuildAction
    changed_exercises: tuple[str, ...] = ()
    backup: Path | None = None

    def describe(self, root: Path) -> str:
        """One line for the author or learner who ran the build."""
        where = _relative(self.path, root)
        if self.action is BuildAction.KEPT:
            return (
                f"kept      {where}: your changes to {', '.join(self.changed_exercises)} are "
                f"safe; a copy is in {_relative(self.backup, root)}. Use `zendo build --force` "
                "to take the new version instead (it backs yours up first)."
            )
        if self.action is BuildAction.REPLACED:
            return f"replaced {where}: your version is backed up in {_relative(self.backup, root)}."
        return f"{self.action.value:<9} {where}"


def build_exercises(
    course: Course, *, force: bool = False, lessons: Sequence[str] = ()
) -> list[BuildOutcome]:
    """Generate exercise notebooks from solution notebooks: every lesson's, or the named ones."""
    chosen = [course.lesson(name) for name in lessons] if lessons else course.lessons
    outcomes = []
    for lesson in chosen:
        solution = lesson.notebook_path(course.root, "solutions")
        if solution.exists():
            outcomes.append(_build_one(course, lesson, solution, force))
    return outcomes


def generated_text(solution: Path) -> str:
    """The exact text `zendo build` writes for the exercise notebook of `solution`."""
    return notebook_text(generate_exercise_notebook(read_notebook_json(solution), solution))


def notebook_text(notebook: dict[str, object]) -> str:
    # The layout JupyterLab itself writes (one-space indent), so a save by the learner
    # changes only what they changed.
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def generate_exercise_notebook(solution: dict[str, object], origin: Path) -> dict[str, object]:
    """Return the exercise notebook for a solution notebook (as JSON data)."""
    notebook = copy.deepcopy(solution)
    raw_cells = notebook.get("cells")
    if not isinstance(raw_cells, list):
        raise CourseError(f"{origin}: the notebook's 'cells' is not a list.")
    starters: dict[str, str] = {}
    for index, raw in enumerate(raw_cells):
        if not isinstance(raw, dict) or raw.get("cell_type") != "code":
            continue
        source = cell_source(raw.get("source", ""))
        starter = replace_solution_regions(source, f"{origin}, cell {index + 1}")
        raw["source"] = starter
        raw["outputs"] = []
        raw["execution_count"] = None
        exercise_id = Cell(index, "code", starter).exercise_id
        if exercise_id:
            starters[exercise_id] = starter
    metadata = notebook.setdefault("metadata", {})
    if isinstance(metadata, dict):
        metadata["zendo"] = {"starters": starters}
    return notebook


def replace_solution_regions(source: str, where: str) -> str:
    """Replace every solution region in `source` with its starter."""
    output: list[str] = []
    region: list[str] | None = None
    starter: list[str] | None = None
    indent, todo = "", DEFAULT_TODO
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            if region is not None:
                raise CourseError(f"{where}: '{BEGIN}' inside another solution region.")
            region, starter = [], None
            indent = line[: len(line) - len(line.lstrip())]
            todo = stripped[len(BEGIN) :].lstrip(": ").strip() or DEFAULT_TODO
        elif stripped == STARTER and region is not None:
            starter = []
        elif stripped == END:
            if region is None:
                raise CourseError(f"{where}: '{END}' without a '{BEGIN}' before it.")
            if starter is not None:
                output.extend(_uncomment(line_, where) for line_ in starter)
            else:
                output.append(f"{indent}raise NotImplementedError  # TODO: {todo}")
            region, starter = None, None
        elif starter is not None:
            starter.append(line)
        elif region is not None:
            region.append(line)
        else:
            output.append(line)
    if region is not None:
        raise CourseError(f"{where}: '{BEGIN}' is never closed by '{END}'.")
    return "\n".join(output)


def reference_solution(source: str) -> str:
    """A solution cell as a reader should see it: no region markers, no repair starter."""
    lines, in_starter = [], False
    for line in source.split("\n"):
        marker = line.strip()
        if marker == STARTER:
            in_starter = True
        elif marker == END:
            in_starter = False
        elif not in_starter and not marker.startswith(BEGIN):
            lines.append(line)
    return "\n".join(lines)


def _uncomment(line: str, where: str) -> str:
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    if stripped == "#":
        return ""
    if not stripped.startswith("# "):
        raise CourseError(f"{where}: starter lines must be commented out with '# ': {line!r}.")
    return indent + stripped[2:]


def _build_one(course: Course, lesson: Lesson, solution: Path, force: bool) -> BuildOutcome:
    target = lesson.notebook_path(course.root, "exercises")
    text = generated_text(solution)
    if not target.exists():
        write_text_atomically(target, text)
        logger.info(
            "Generated exercise notebook", extra={"lesson": lesson.slug, "action": "created"}
        )
        return BuildOutcome(target, BuildAction.CREATED)
    if target.read_text(encoding="utf-8", errors="replace") == text:
        return BuildOutcome(target, BuildAction.UNCHANGED)
    changed = _changed_exercises(target, json.loads(text))
    if changed:
        backup = back_up(course.root, target)
        if not force:
            logger.info("Kept a changed exercise notebook", extra={"lesson": lesson.slug})
            return BuildOutcome(target, BuildAction.KEPT, changed, backup)
        write_text_atomically(target, text)
        return BuildOutcome(target, BuildAction.REPLACED, changed, backup)
    write_text_atomically(target, text)
    logger.info("Generated exercise notebook", extra={"lesson": lesson.slug, "action": "updated"})
    return BuildOutcome(target, BuildAction.UPDATED)


def _changed_exercises(target: Path, fresh: dict[str, object]) -> tuple[str, ...]:
    """Exercise cells of `target` that differ from what the build last wrote there.

    Without a record of the last build (an old or foreign file), any difference from the
    fresh build counts as a change: when in doubt, keep the learner's file.
    """
    try:
        current = read_notebook_json(target)
    except NotebookError:
        return ("(the whole notebook: it cannot be read)",)
    recorded = recorded_starters(current) or recorded_starters(fresh)
    sources = _exercise_sources(current)
    changed = [
        exercise_id
        for exercise_id, source in sources.items()
        if recorded.get(exercise_id, "").strip() != source.strip()
    ]
    missing = [exercise_id for exercise_id in recorded if exercise_id not in sources]
    return tuple(changed + missing)


def recorded_starters(notebook: dict[str, object]) -> dict[str, str]:
    """The starter of each exercise cell, as the build last wrote it into this notebook."""
    metadata = notebook.get("metadata")
    zendo_data = metadata.get("zendo") if isinstance(metadata, dict) else None
    starters = zendo_data.get("starters") if isinstance(zendo_data, dict) else None
    if not isinstance(starters, dict):
        return {}
    return {str(key): str(value) for key, value in starters.items()}


def _exercise_sources(notebook: dict[str, object]) -> dict[str, str]:
    sources = {}
    raw_cells = notebook.get("cells")
    for index, raw in enumerate(raw_cells if isinstance(raw_cells, list) else []):
        if isinstance(raw, dict):
            try:
                cell = Cell(index, str(raw.get("cell_type")), cell_source(raw.get("source", "")))
            except NotebookError:
                continue
            if cell.exercise_id:
                sources[cell.exercise_id] = cell.source
    return sources


def _relative(path: Path | None, root: Path) -> str:
    if path is None:
        return "(nowhere)"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
