"""Reading notebooks as plain JSON, and finding their exercise and set-up cells.

Notebooks are JSON: reading them with `json` costs milliseconds, where `import nbformat`
costs over a second here (its schema validator builds grammars at import). This module
checks only what grading needs, and says clearly what is wrong with a file it rejects.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from zendo._errors import NotebookError

logger = logging.getLogger(__name__)

EXERCISE_MARKER = "# exercise:"
SETUP_MARKER = "# setup"
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class Cell:
    """One cell of a notebook: its position, type and source text."""

    index: int
    cell_type: str
    source: str

    @property
    def first_line(self) -> str:
        return self.source.split("\n", 1)[0].strip()

    @property
    def exercise_id(self) -> str | None:
        """The id after `# exercise:` when this is an exercise cell, else None."""
        if self.cell_type != "code" or not self.first_line.startswith(EXERCISE_MARKER):
            return None
        return self.first_line[len(EXERCISE_MARKER) :].strip() or None

    @property
    def is_setup(self) -> bool:
        return self.cell_type == "code" and self.first_line == SETUP_MARKER


def cell_source(raw: object) -> str:
    """Join a cell's `source` field, which nbformat allows as a string or a list of lines."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(line, str) for line in raw):
        return "".join(raw)
    raise NotebookError("a cell's source is neither text nor a list of lines")


def read_notebook_json(path: Path) -> dict[str, object]:
    """Read a notebook file as JSON, refusing what is not a usable nbformat 4 notebook."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist. Check the path and try again.") from None
    except OSError as error:
        raise NotebookError(f"{path} cannot be read: {error.strerror}.") from None
    if path.is_dir():
        raise NotebookError(f"{path} is a folder; give the path of a .ipynb notebook.")
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(
            f"{path} is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit: "
            "clear its outputs (Edit → Clear Outputs of All Cells) and save it again."
        )
    try:
        data = json.loads(path.read_bytes())
    except UnicodeDecodeError:
        raise NotebookError(f"{path} is not a text file, so it cannot be a notebook.") from None
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"{path} is not valid notebook JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Open it in JupyterLab, or restore it from a backup."
        ) from None
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise NotebookError(f"{path} is JSON but not a Jupyter notebook (it has no cells).")
    major = data.get("nbformat")
    if major != 4:
        raise NotebookError(
            f"{path} is in notebook format {major!r}; Zendo reads format 4. Open it in "
            "JupyterLab and save it, which upgrades it."
        )
    return data


def read_cells(path: Path) -> list[Cell]:
    """Return every cell of the notebook at `path`, in order."""
    data = read_notebook_json(path)
    raw_cells = data.get("cells")
    if not isinstance(raw_cells, list):
        raise NotebookError(f"{path}: the notebook's 'cells' is not a list.")
    cells = []
    for index, raw in enumerate(raw_cells):
        if not isinstance(raw, dict):
            raise NotebookError(f"{path}: cell {index + 1} is not a JSON object.")
        try:
            source = cell_source(raw.get("source", ""))
        except NotebookError as error:
            raise NotebookError(f"{path}: cell {index + 1}: {error}.") from None
        cells.append(Cell(index=index, cell_type=str(raw.get("cell_type", "")), source=source))
    return cells
