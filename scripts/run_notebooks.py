"""Run lesson and solution notebooks top to bottom and store their outputs, cleanly.

nbval compares the stored outputs on every `make test`, so an author who changes a
lesson runs this, then commits. Besides executing, it removes what changes on every
run and means nothing to a reader: execution time stamps, and widget state and views
(a widget cannot be shown from a file anyway; the text and HTML beside it are kept).

Usage:
    python scripts/run_notebooks.py                       # notebooks/ and solutions/
    python scripts/run_notebooks.py notebooks/05_money.ipynb
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean(notebook: dict[str, object]) -> dict[str, object]:
    """Drop time stamps and widget state; keep everything a reader sees."""
    metadata = notebook.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("widgets", None)
    cells = notebook.get("cells")
    for cell in cells if isinstance(cells, list) else []:
        cell.get("metadata", {}).pop("execution", None)
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if data.pop(WIDGET_VIEW, None) is not None and set(data) <= {"text/plain"}:
                continue  # a widget alone (check buttons): its text is only a repr
            kept.append(output)
        if "outputs" in cell:
            cell["outputs"] = kept
    return notebook


def run(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    data = clean(json.loads(nbformat.writes(notebook)))
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"ran {path.relative_to(REPO)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="*", type=Path)
    arguments = parser.parse_args()
    paths = arguments.paths or sorted(
        [*(REPO / "notebooks").glob("*.ipynb"), *(REPO / "solutions").glob("*.ipynb")]
    )
    for path in paths:
        run(path.resolve())


if __name__ == "__main__":
    main()
