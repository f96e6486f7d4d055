"""Lesson prerequisites (issue 15): declared in every lesson file, checked when loaded.

A prerequisite names an earlier lesson by its file stem. A bad one stops the course at
load time with the file, the bad value and the fix, never later in a learner's session.
The notebook's `Prerequisites:` line is checked against the file by
tests/test_course.py::test_lesson_notebook_opens_and_closes_with_its_facts.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO
from zendo._course import load_course
from zendo._errors import CourseError

LESSON = """\
slug = "{slug}"
title = "Lesson {slug}"
minutes = 10
{prerequisites}
questions = ["Why?"]
objectives = ["Know."]
key_points = ["Known."]
"""


def write_course(root: Path, lessons: dict[str, str]) -> Path:
    """A course folder whose lessons are `stem -> prerequisites line` (empty: no field)."""
    (root / "course").mkdir(parents=True)
    (root / "course" / "course.toml").write_text('title = "Prerequisite course"\n')
    for stem, line in lessons.items():
        slug = stem.split("_", 1)[1]
        text = LESSON.format(slug=slug, prerequisites=line)
        (root / "course" / f"{stem}.toml").write_text(text, encoding="utf-8")
    return root


def test_prerequisites_that_name_earlier_lessons_load(tmp_path: Path) -> None:
    root = write_course(
        tmp_path,
        {
            "00_intro": "prerequisites = []",
            "01_basics": 'prerequisites = ["00_intro"]',
            "02_more": 'prerequisites = ["00_intro", "01_basics"]',
        },
    )
    course = load_course(root)
    assert [lesson.data.prerequisites for lesson in course.lessons] == [
        [],
        ["00_intro"],
        ["00_intro", "01_basics"],
    ]


def test_a_copy_that_leaves_earlier_lessons_out_still_loads(tmp_path: Path) -> None:
    """One lesson handed to a class alone: its prerequisites are lessons not in the copy."""
    course = load_course(write_course(tmp_path, {"05_money": 'prerequisites = ["01_zen"]'}))
    assert course.lessons[0].data.prerequisites == ["01_zen"]


def test_a_lesson_without_the_field_has_none(tmp_path: Path) -> None:
    course = load_course(write_course(tmp_path, {"01_only": ""}))
    assert course.lessons[0].data.prerequisites == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'prerequisites = ["01_basic"]',
            "field 'prerequisites' names '01_basic', which is not a lesson of this course. "
            "Name earlier lessons by their file stem; here: 00_intro.",
        ),
        (
            'prerequisites = ["02_later"]',
            "field 'prerequisites' names '02_later', which does not come before 01_basics. "
            "A lesson can only build on earlier ones; name one of: 00_intro.",
        ),
        (
            'prerequisites = ["01_basics"]',
            "field 'prerequisites' names '01_basics', which does not come before 01_basics.",
        ),
        (
            'prerequisites = ["00_intro", "00_intro"]',
            "field 'prerequisites' names '00_intro' twice; keep it once.",
        ),
        ('prerequisites = ["intro"]', "field 'prerequisites.0': String should match pattern"),
        ('prerequisites = "00_intro"', "field 'prerequisites': Input should be a valid list"),
    ],
)
def test_a_bad_prerequisite_names_the_file_the_value_and_the_fix(
    tmp_path: Path, line: str, message: str
) -> None:
    root = write_course(
        tmp_path,
        {"00_intro": "prerequisites = []", "01_basics": line, "02_later": "prerequisites = []"},
    )
    with pytest.raises(CourseError) as caught:
        load_course(root)
    assert str(caught.value).startswith(f"{root / 'course' / '01_basics.toml'}: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "path", sorted((REPO / "course").glob("[0-9][0-9]_*.toml")), ids=lambda path: path.stem
)
def test_every_shipped_lesson_declares_its_prerequisites(path: Path) -> None:
    # The model defaults to none so that small test courses stay short; the course's own
    # lessons must say so explicitly, `prerequisites = []` included.
    with path.open("rb") as file:
        data = tomllib.load(file)
    assert "prerequisites" in data, f"{path.name}: add `prerequisites = [...]` (issue 15)"
