"""Reading notebooks as plain JSON, and finding their exercise and set-up cells.

Notebooks are JSON: reading them with `json` costs milliseconds, where `import nbformat`
costs over a second here (its schema validator builds grammars at import). This module
checks only what grading needs, and says clearly what is wrong with a file it rejects.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from zendo._errors import NotebookError

logger = logging.getLogger(__name__)

EXERCISE_MARKER = "# exercise:"
SETUP_MARKER = "# setup"
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024
# JupyterLab's notebooks nest a dozen levels at most (outputs, rich data, widget state).
MAX_JSON_DEPTH = 100
# Parsed JSON takes up to a hundred bytes per value: this bounds a notebook's memory.
MAX_JSON_VALUES = 1_000_000
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")
_SYMLINK = (
    "{path} is a symbolic link, and a submission must be the notebook file itself: links "
    "are never followed, since they could point at other people's work. Replace the link "
    "with the real notebook and submit again."
)


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


def read_notebook_bytes(path: Path, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a notebook file, refusing what is not a regular file of sane size.

    With `follow_symlinks=False` (batch grading, where a symlink could point at the
    instructor's solutions), a symbolic link is refused at the moment it is opened, so it
    cannot be swapped in after the submission was found. A FIFO or device is refused
    without blocking on it.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
        if path.is_symlink():
            raise NotebookError(_SYMLINK.format(path=path))
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise NotebookError(f"{path} does not exist. Check the path and try again.") from None
    except IsADirectoryError:
        raise NotebookError(f"{path} is a folder; give the path of a .ipynb notebook.") from None
    except OSError as error:
        if not follow_symlinks and error.errno == errno.ELOOP:
            raise NotebookError(_SYMLINK.format(path=path)) from None
        if path.is_dir():  # Windows refuses to open a folder at all
            raise NotebookError(
                f"{path} is a folder; give the path of a .ipynb notebook."
            ) from None
        raise NotebookError(f"{path} cannot be read: {error.strerror}.") from None
    with os.fdopen(descriptor, "rb") as file:
        status = os.fstat(file.fileno())
        if stat.S_ISDIR(status.st_mode):
            raise NotebookError(f"{path} is a folder; give the path of a .ipynb notebook.")
        if not stat.S_ISREG(status.st_mode):
            raise NotebookError(
                f"{path} is not a regular file (a pipe, socket or device), so it cannot be "
                "a notebook: submit the .ipynb file that JupyterLab saved."
            )
        if status.st_size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(_too_big(path, status.st_size))
        data = file.read(MAX_NOTEBOOK_BYTES + 1)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(_too_big(path, len(data)))
    return data


def _too_big(path: Path, size: int) -> str:
    return (
        f"{path} is {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit: "
        "clear its outputs (Edit → Clear Outputs of All Cells) and save it again."
    )


def read_notebook_json(path: Path) -> dict[str, object]:
    """Read a notebook file as JSON, refusing what is not a usable nbformat 4 notebook."""
    return parse_notebook_json(read_notebook_bytes(path), path)


def parse_notebook_json(raw: bytes, path: Path) -> dict[str, object]:
    """Parse a notebook's bytes (read from `path`), refusing what is not nbformat 4.

    The JSON may come from anyone, so its nesting depth (`json` recurses once per level)
    and its number of values (each costs memory) are checked before `json` sees it.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise NotebookError(f"{path} is not a text file, so it cannot be a notebook.") from None
    values, depth = _json_shape(text)
    if values > MAX_JSON_VALUES:
        raise NotebookError(
            f"{path} holds about {values:,} JSON values, over the {MAX_JSON_VALUES:,} that "
            "grading reads (huge outputs?): clear its outputs (Edit → Clear Outputs of All "
            "Cells) and save it again."
        )
    if depth > MAX_JSON_DEPTH:
        raise NotebookError(
            f"{path} is JSON nested {depth} levels deep, and a notebook never needs more than "
            f"{MAX_JSON_DEPTH}: it was not saved by JupyterLab. Submit the notebook as "
            "JupyterLab saved it, or restore it from a backup."
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"{path} is not valid notebook JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}). Open it in JupyterLab, or restore it from a backup."
        ) from None
    except (RecursionError, MemoryError):
        raise NotebookError(
            f"{path} is JSON too deeply nested or too large to read: it was not saved by "
            "JupyterLab. Submit the notebook as JupyterLab saved it."
        ) from None
    if not isinstance(data, dict) or ("cells" not in data and "worksheets" not in data):
        raise NotebookError(f"{path} is JSON but not a Jupyter notebook (it has no cells).")
    major = data.get("nbformat")
    if major != 4:
        raise NotebookError(
            f"{path} is in notebook format {major!r:.40}; Zendo reads format 4. Open it in "
            "JupyterLab and save it, which upgrades it."
        )
    return data


def _json_shape(text: str) -> tuple[int, int]:
    """How many values JSON text holds (roughly), and how deep its arrays and objects nest.

    Counted without recursing and without building the values: strings are cut out
    first, so brackets and commas inside them do not count. On text that is not JSON the
    counts may be off; `json` then reports the real problem. The depth is not measured
    (0) when there are too many values anyway.
    """
    skeleton = _JSON_STRING.sub("", text)
    values = skeleton.count(",") + skeleton.count("[") + skeleton.count("{")
    if values > MAX_JSON_VALUES:
        return values, 0
    depth = deepest = 0
    for bracket in _JSON_BRACKET.finditer(skeleton):
        if bracket[0] in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return values, deepest


def read_cells(path: Path) -> list[Cell]:
    """Return every cell of the notebook at `path`, in order."""
    return cells_of(read_notebook_json(path), path)


def cells_of(data: dict[str, object], path: Path) -> list[Cell]:
    """The cells of a parsed notebook (read from `path`), in order.

    A cell whose text cannot be encoded (a lone surrogate such as `\\udfff`, which a JSON
    escape can hold but no file or Python source can) is refused, naming the cell.
    """
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
        try:
            source.encode("utf-8")
        except UnicodeEncodeError as error:
            raise NotebookError(
                f"{path}: cell {index + 1} holds a character that is not valid Unicode "
                f"({source[error.start]!r}, a lone surrogate) at position {error.start + 1}: "
                "delete it, save the notebook and submit it again."
            ) from None
        cell_type = raw.get("cell_type", "")
        kind = cell_type if isinstance(cell_type, str) else ""
        cells.append(Cell(index=index, cell_type=kind, source=source))
    return cells
