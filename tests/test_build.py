"""Generating exercises from solutions, and never losing a learner's changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zendo._build import BuildAction, build_exercises, replace_solution_regions
from zendo._course import Course
from zendo._errors import CourseError


def test_region_becomes_raise_with_the_todo_from_the_begin_line() -> None:
    source = "def f():\n    # BEGIN SOLUTION: return one\n    return 1\n    # END SOLUTION\n"
    assert replace_solution_regions(source, "here") == (
        "def f():\n    raise NotImplementedError  # TODO: return one\n"
    )


def test_explicit_starter_is_uncommented_and_the_solution_dropped() -> None:
    source = "# BEGIN SOLUTION\nx = 2\n# STARTER\n# x = 1  # broken\n#\n# y = x\n# END SOLUTION"
    assert replace_solution_regions(source, "here") == "x = 1  # broken\n\ny = x"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("# BEGIN SOLUTION\nx = 1", "never closed"),
        ("x = 1\n# END SOLUTION", "without a '# BEGIN SOLUTION'"),
        ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
    ],
)
def test_malformed_regions_name_the_place(source: str, problem: str) -> None:
    with pytest.raises(CourseError, match=problem):
        replace_solution_regions(source, "solutions/x.ipynb, cell 3")


def test_build_clears_outputs_and_records_what_it_generated(fixture_course: Course) -> None:
    target = fixture_course.root / "exercises" / "01_demo.ipynb"
    target.unlink()
    [outcome] = build_exercises(fixture_course)
    assert outcome.action is BuildAction.CREATED
    notebook = json.loads(target.read_text())
    assert all(c.get("outputs", []) == [] for c in notebook["cells"])
    starters = notebook["metadata"]["zendo"]["starters"]
    assert starters["demo.greet"] == "# exercise: demo.greet\ndef greet(name):\n    return 'Hello'"
    assert [o.action for o in build_exercises(fixture_course)] == [BuildAction.UNCHANGED]


def _edit_exercise_cell(target: Path, exercise_id: str, new_source: str) -> None:
    notebook = json.loads(target.read_text())
    for cell in notebook["cells"]:
        if "".join(cell["source"]).startswith(f"# exercise: {exercise_id}"):
            cell["source"] = new_source
    target.write_text(json.dumps(notebook))


def test_learner_changes_are_kept_and_backed_up(fixture_course: Course) -> None:
    target = fixture_course.root / "exercises" / "01_demo.ipynb"
    mine = "# exercise: demo.add\ndef add(a, b):\n    return a + b  # my work"
    _edit_exercise_cell(target, "demo.add", mine)
    learner_bytes = target.read_bytes()
    solution = fixture_course.root / "solutions" / "01_demo.ipynb"
    solution.write_text(solution.read_text().replace("# Demo", "# Demo, revised"))
    [outcome] = build_exercises(fixture_course)
    assert outcome.action is BuildAction.KEPT
    assert outcome.changed_exercises == ("demo.add",)
    assert target.read_bytes() == learner_bytes
    assert outcome.backup is not None
    assert outcome.backup.read_bytes() == learner_bytes
    assert "your changes to demo.add are safe" in outcome.describe(fixture_course.root)


def test_force_replaces_only_after_a_backup(fixture_course: Course) -> None:
    target = fixture_course.root / "exercises" / "01_demo.ipynb"
    _edit_exercise_cell(target, "demo.greet", "# exercise: demo.greet\nmine = 1")
    learner_bytes = target.read_bytes()
    [outcome] = build_exercises(fixture_course, force=True)
    assert outcome.action is BuildAction.REPLACED
    assert outcome.backup is not None
    assert outcome.backup.read_bytes() == learner_bytes
    assert "mine = 1" not in target.read_text()


def test_untouched_exercise_notebook_is_updated_when_the_solution_changes(
    fixture_course: Course,
) -> None:
    solution = fixture_course.root / "solutions" / "01_demo.ipynb"
    solution.write_text(solution.read_text().replace("# Demo", "# Demo, revised"))
    [outcome] = build_exercises(fixture_course)
    assert outcome.action is BuildAction.UPDATED
    assert "# Demo, revised" in outcome.path.read_text()
