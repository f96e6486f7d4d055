"""Write the anchor course's notebooks from the shared assignment, so they cannot drift.

The side-by-side benchmark (issue 12) grades one assignment with nbgrader, otter-grader
and Zendo. Its one source is `anchor_assignment.py` (GOOD, BAD, PROMPTS), kept outside
this repository with the incumbents' build (`../shared/bench/` beside the clone by
default). This script writes from it:

- `solutions/01_anchor.ipynb`: GOOD as the reference, each answer between
  `# BEGIN SOLUTION` and `# END SOLUTION` after the function's docstring;
- `exercises/01_anchor.ipynb`: by running `zendo --course benchmarks/anchor build`;
- `submissions/good.ipynb` and `submissions/bad.ipynb`: the generated exercise notebook
  with each exercise cell replaced by GOOD's or BAD's answer, as the incumbents' own
  submissions are made from their student notebooks.

The graders (grading v2: `tests/graders/01_anchor/test_anchor.py` for the public
tests, `hidden/test_anchor_hidden.py` for the hidden ones) are written by hand from the
assignment's TESTS. Run again after the shared assignment changes:

    .venv/bin/python benchmarks/anchor/make_anchor.py [--shared PATH]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ANCHOR = Path(__file__).resolve().parent
REPO = ANCHOR.parents[1]
DEFAULT_SHARED = Path(os.environ.get("ZENDO_ANCHOR_SHARED", REPO.parent / "shared" / "bench"))
STEM = "01_anchor"
# The assignment's question → (exercise id, what the starter's TODO says).
EXERCISES = {
    "q1": ("anchor.split_amount", "divide with divmod and hand out the remainder"),
    "q2": ("anchor.isbn10", "check the shape, then the weighted sum modulo 11"),
    "q3": ("anchor.parse_duration", "match hours, minutes and seconds, refuse garbage"),
}
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def load_assignment(shared: Path) -> ModuleType:
    path = shared / "anchor_assignment.py"
    if not path.is_file():
        raise SystemExit(f"The shared assignment {path} does not exist: pass --shared FOLDER.")
    spec = importlib.util.spec_from_file_location("anchor_assignment", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path} cannot be loaded as a Python module.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_solution_markers(code: str, todo: str) -> str:
    """GOOD's answer with the body after the docstring marked as the solution."""
    lines = code.rstrip("\n").split("\n")
    for number, line in enumerate(lines):
        if line.strip().startswith('"""') and number and lines[number - 1].startswith("def "):
            head, body = lines[: number + 1], lines[number + 1 :]
            return "\n".join([*head, f"    # BEGIN SOLUTION: {todo}", *body, "    # END SOLUTION"])
    raise SystemExit(f"No docstring after the def line in:\n{code}")


def cell(cell_id: str, kind: str, source: str) -> dict[str, object]:
    made: dict[str, object] = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}
    if kind == "code":
        made |= {"execution_count": None, "outputs": []}
    return made


def solution_notebook(assignment: ModuleType) -> dict[str, object]:
    cells = [
        cell(
            "intro",
            "markdown",
            "# Anchor assignment: money, ISBNs and durations\n\n"
            "The side-by-side benchmark's assignment (issue 12): three questions, "
            "2 points each.",
        )
    ]
    for question, (exercise_id, todo) in EXERCISES.items():
        cells.append(cell(f"{question}-prompt", "markdown", assignment.PROMPTS[question]))
        source = f"# exercise: {exercise_id}\n" + with_solution_markers(
            assignment.GOOD[question], todo
        )
        cells.append(cell(f"{question}-answer", "code", source))
    return {"cells": cells, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}


def submission(exercises: dict[str, object], answers: dict[str, str]) -> dict[str, object]:
    """The exercise notebook with each exercise cell holding `answers`' code."""
    notebook = json.loads(json.dumps(exercises))
    done = set()
    for each in notebook["cells"]:
        source = "".join(each["source"])
        for question, (exercise_id, _) in EXERCISES.items():
            if source.startswith(f"# exercise: {exercise_id}\n"):
                each["source"] = f"# exercise: {exercise_id}\n" + answers[question].rstrip("\n")
                done.add(question)
    if done != set(EXERCISES):
        raise SystemExit(f"Exercise cells not found: {sorted(set(EXERCISES) - done)}.")
    return notebook


def write(path: Path, notebook: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared bench")
    arguments = parser.parse_args()
    assignment = load_assignment(arguments.shared)
    write(ANCHOR / "solutions" / f"{STEM}.ipynb", solution_notebook(assignment))
    zendo = Path(sys.executable).with_name("zendo")
    subprocess.run([zendo, "--course", ANCHOR, "build", "--force", STEM], check=True)
    exercises = json.loads((ANCHOR / "exercises" / f"{STEM}.ipynb").read_text(encoding="utf-8"))
    for name, answers in (("good", assignment.GOOD), ("bad", assignment.BAD)):
        write(ANCHOR / "submissions" / f"{name}.ipynb", submission(exercises, answers))


if __name__ == "__main__":
    main()
