"""Assemble drafts/08_habits/solutions.ipynb from the cell files in cells/ (a drafting aid)."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKS = {
    "11_mutants.py": "habits.mutants",
    "21_config.py": "habits.config_loader",
    "31_commits.py": "habits.commit_messages",
    "41_proposal.py": "habits.proposal",
    "51_review.py": "habits.review",
}


def cell(kind: str, text: str, name: str, tags: list[str] | None = None) -> dict[str, object]:
    lines = text.rstrip("\n").split("\n")
    source = [line + "\n" for line in lines[:-1]] + [lines[-1]]
    made: dict[str, object] = {"cell_type": kind, "id": f"habits-ex-{name}", "metadata": {"tags": tags} if tags else {}, "source": source}
    if kind == "code":
        made.update(execution_count=None, outputs=[])
    return made


def main() -> None:
    cells = []
    for path in sorted((HERE / "cells").iterdir()):
        kind = "markdown" if path.suffix == ".md" else "code"
        name = path.stem.split("_", 1)[1].replace("_", "-") + ("-task" if kind == "markdown" else "")
        cells.append(cell(kind, path.read_text(encoding="utf-8"), name))
        if path.name in CHECKS:
            text = f'from zendo.notebook import check\n\ncheck("{CHECKS[path.name]}")'
            cells.append(cell("code", text, name + "-check", ["nbval-ignore-output"]))
    cells.append(cell("code", "from zendo.notebook import progress\n\nprogress()", "progress", ["nbval-ignore-output"]))
    template = json.loads((HERE.parents[1] / "solutions" / "05_money.ipynb").read_text(encoding="utf-8"))
    notebook = {"cells": cells, "metadata": template["metadata"], "nbformat": 4, "nbformat_minor": 5}
    (HERE / "solutions.ipynb").write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
