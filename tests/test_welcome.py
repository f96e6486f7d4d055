"""The welcome notebook leads to every lesson: its course map matches the lesson files."""

from __future__ import annotations

import json

from tests.conftest import REPO
from zendo._course import load_course


def test_the_course_map_lists_every_lesson_with_its_facts() -> None:
    course = load_course(REPO)
    welcome = json.loads((REPO / "notebooks" / "00_welcome.ipynb").read_text(encoding="utf-8"))
    texts = ["".join(cell["source"]) for cell in welcome["cells"]]
    [course_map] = [text for text in texts if text.startswith("## Course map")]
    rows = [line for line in course_map.splitlines() if line.startswith("| ") and "---" not in line]
    lessons = rows[1:]  # after the header row
    assert len(lessons) == len(course.lessons), course_map
    for row, lesson in zip(lessons, course.lessons, strict=True):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        number, title, lesson_notebook, exercises, minutes = cells
        assert number == lesson.stem[:2]
        assert title == lesson.title
        assert lesson_notebook == f"`notebooks/{lesson.stem}.ipynb`"
        expected = f"`exercises/{lesson.stem}.ipynb`" if lesson.data.exercises else "coming"
        assert exercises == expected
        assert minutes == f"{lesson.data.minutes} minutes"
