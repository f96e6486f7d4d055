"""Turning a notebook into submissions: one source file per exercise.

An exercise is graded on its own cell plus the notebook's `# setup` cells, nothing else.
This module builds that source, and notes which names other cells define, so that a
learner whose code leans on another cell is told to move the definition, not shown a
bare NameError.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from zendo._errors import NotebookError
from zendo._notebook import Cell, read_cells

logger = logging.getLogger(__name__)

# The longest cell grading reads: far beyond any exercise, well below what makes the
# parser use gigabytes.
MAX_CELL_CHARS = 1_000_000


@dataclass(frozen=True)
class ExerciseSource:
    """The code graded for one exercise, and where its parts came from."""

    exercise_id: str
    source: str
    cell_start_line: int
    cell_number: int | None  # its position in the notebook (1-based, all cells); None: unknown
    defined_elsewhere: dict[str, str] = field(default_factory=dict)  # name → "cell 4" or ""


def module_name(exercise_id: str) -> str:
    """The module (and file) name a submission is loaded under: `money.split` → `money_split`."""
    return exercise_id.replace(".", "_")


def notebook_position(cell: Cell) -> int | None:
    """A saved notebook's cell position as a learner counts cells: 1-based, all cells."""
    return cell.index + 1


def extract_from_cells(
    cells: Sequence[Cell],
    exercise_ids: Iterable[str],
    position: Callable[[Cell], int | None] = notebook_position,
) -> dict[str, ExerciseSource]:
    """Build the graded source of each wanted exercise present in `cells`.

    Exercises absent from the notebook are left out of the result; the caller decides
    what that means (a missing cell is an `error` result for the learner). `position`
    says where a cell sits in the learner's notebook, or None where that is unknown:
    messages name cells by it, never by a kernel's execution count.
    """
    wanted = set(exercise_ids)
    exercise_cells: dict[str, Cell] = {}
    for cell in cells:
        exercise_id = cell.exercise_id
        if exercise_id in wanted:
            # A learner who duplicated a cell to experiment is graded on the last copy,
            # the one furthest down the notebook, as a reader would expect.
            exercise_cells[exercise_id] = cell
    # Each cell is parsed once; an exercise is told of the names the *other* cells define.
    trees = {cell.index: _parse(cell.source) for cell in cells if cell.cell_type == "code"}
    for cell in [*(cell for cell in cells if cell.is_setup), *exercise_cells.values()]:
        _refuse_unparsable(cell, trees[cell.index], position)
    names_by_cell = {
        cell.index: _top_level_names(trees[cell.index])
        for cell in cells
        if cell.cell_type == "code" and not cell.is_setup
    }
    sources = {}
    for exercise_id, cell in exercise_cells.items():
        elsewhere: dict[str, str] = {}
        for other in cells:
            for name in names_by_cell.get(other.index, []) if other is not cell else []:
                elsewhere.setdefault(name, _cell_label(position(other)))
        # A cell may begin with `from __future__ import ...` (the kernel accepts it at the
        # top of any cell), but in one file Python wants it first: it moves to the top.
        features: list[str] = []
        setup_cells = [c for c in cells if c.is_setup]
        parts = [_without_future(c.source, trees[c.index], features) for c in setup_cells]
        body = _without_future(cell.source, trees[cell.index], features)
        head = "\n\n".join(_runnable(part) for part in parts)
        head = head + "\n\n" if head else ""
        if features:
            head = f"from __future__ import {', '.join(dict.fromkeys(features))}\n" + head
        sources[exercise_id] = ExerciseSource(
            exercise_id=exercise_id,
            source=head + _runnable(body) + "\n",
            cell_start_line=head.count("\n") + 1,
            cell_number=position(cell),
            defined_elsewhere=elsewhere,
        )
    return sources


def extract_from_notebook(path: Path, exercise_ids: Iterable[str]) -> dict[str, ExerciseSource]:
    """Read `path` and extract the wanted exercises; refuse a notebook with none at all."""
    return extract_from_saved(read_cells(path), path, exercise_ids)


def extract_from_saved(
    cells: Sequence[Cell], path: Path, exercise_ids: Iterable[str]
) -> dict[str, ExerciseSource]:
    """Extract the wanted exercises from the cells of the notebook saved at `path`."""
    if not any(cell.exercise_id for cell in cells):
        raise NotebookError(
            f"{path} has no exercise cells (code cells whose first line is "
            "'# exercise: <id>'). Is this an exercise notebook from exercises/?"
        )
    return extract_from_cells(cells, exercise_ids)


def exercise_ids_in(path: Path) -> list[str]:
    """The exercise ids present in a notebook, in order of appearance."""
    ids = []
    for cell in read_cells(path):
        if cell.exercise_id and cell.exercise_id not in ids:
            ids.append(cell.exercise_id)
    return ids


def _cell_label(position: int | None) -> str:
    return f"cell {position}" if position else ""


def _without_future(source: str, tree: ast.Module | str | None, features: list[str]) -> str:
    """`source` with its `from __future__` statements turned into comments, their features
    added to `features`; line numbers stay where they were."""
    if not isinstance(tree, ast.Module):
        return source
    lines = source.split("\n")
    for node in tree.body:
        if not (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            continue
        end = node.end_lineno or node.lineno
        if any(
            other is not node and other.lineno in range(node.lineno, end + 1) for other in tree.body
        ):
            continue  # shares its line with another statement: leave it, Python will say why
        features.extend(alias.name for alias in node.names)
        lines[node.lineno - 1] = "# zendo: this line's `from __future__` import moved to the top"
        for number in range(node.lineno, end):
            lines[number] = ""
    return "\n".join(lines)


def _runnable(source: str) -> str:
    """Comment out IPython-only lines (`%magic`, `!shell`): they are not Python."""
    lines = []
    for line in source.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            indent = line[: len(line) - len(stripped)]
            line = f"{indent}pass  # zendo: IPython line left out of grading: {stripped}"
        lines.append(line)
    return "\n".join(lines)


def _top_level_names(tree: ast.Module | str | None) -> list[str]:
    """The names a cell's tree binds at its top level; none when it did not parse."""
    if not isinstance(tree, ast.Module):
        return []
    return [name for node in tree.body for name in _names_bound_by(node)]


def _parse(source: str) -> ast.Module | str | None:
    """A cell's syntax tree; None for a plain syntax error (the graders report it to the
    learner as usual); a sentence when the parser itself cannot cope with the text.

    The text is anyone's: a cell of 200,000 nested minus signs exhausts the parser, and a
    lone surrogate or a NUL byte cannot be parsed at all. None of that may escape as an
    exception that stops a batch.
    """
    if len(source) > MAX_CELL_CHARS:
        return f"is {len(source):,} characters long, over the {MAX_CELL_CHARS:,} that grading reads"
    try:
        return ast.parse(_runnable(source))
    except SyntaxError as error:
        if "too many nested" in str(error.msg) or "too complex" in str(error.msg):
            return "is nested too deeply for Python to read"
        if "null bytes" in str(error.msg):
            return "holds a NUL character (\\x00), which Python source cannot contain"
        return None
    except (RecursionError, MemoryError):
        return "is nested too deeply for Python to read"
    except ValueError:  # Python 3.11 reports a NUL byte this way
        return "holds a NUL character (\\x00), which Python source cannot contain"
    except UnicodeEncodeError:
        return "holds a character that is not valid Unicode (a lone surrogate)"


def _refuse_unparsable(
    cell: Cell, parsed: ast.Module | str | None, position: Callable[[Cell], int | None]
) -> None:
    """Refuse a graded cell that Python's own parser cannot read, saying which cell."""
    if not isinstance(parsed, str):
        return
    label = _cell_label(position(cell))
    where = f" ({label})" if label else ""
    what = f"The exercise cell of {cell.exercise_id}" if cell.exercise_id else "A # setup cell"
    raise NotebookError(
        f"{what}{where} {parsed}. Simplify that code (split long expressions into steps, "
        "remove pasted data), save the notebook and check again."
    )


def _names_bound_by(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names]
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    return [n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)]
