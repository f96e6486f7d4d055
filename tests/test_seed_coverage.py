"""docs/seed-coverage.md stays true: every part of the seed has a row, and every row
points at lessons, section headings, exercises and quizzes that exist.

The seed is `../shared/seed/python-engineer.md`, beside the repository. The rows are
checked against the course whether or not the seed is there; only the comparison with
the seed's own parts needs it, and is skipped, saying why, in a checkout without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.conftest import REPO
from zendo._course import load_course
from zendo._notebook import read_cells

COURSE = load_course(REPO)
PAGE = REPO / "docs" / "seed-coverage.md"
SEED = REPO.parent / "shared" / "seed" / "python-engineer.md"
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6}) (.+?)\s*#*$")
_APHORISM = re.compile(r"^(\d+)\. \*\*(.+?)\*\*")
_LABELLED_BULLET = re.compile(r"^\* \*\*(.+?)\*\*")
_CHECKBOX = re.compile(r"^- \[ \] (.+)$")
_TAUGHT = re.compile(r"^`(?P<stem>\d\d_[a-z0-9_]+)` § (?P<heading>.+)$")
_PLANNED = re.compile(r"^planned: (?P<stem>\d\d_[a-z0-9_]+)$")
_GRADED = re.compile(r"^`(?P<id>[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)`(?P<quiz> \(quiz\))?$")
_NOT_GRADED = re.compile(r"^not graded: \S.{9,}$")


def seed_parts(text: str) -> list[str]:
    """The seed's parts in order, written as the page's first column writes them."""
    parts: list[str] = []
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue  # `# WRONG - Never do this` in a code block is a comment
        if match := _HEADING.match(line):
            parts.append(f"{match[1]} {match[2]}")
        elif match := _APHORISM.match(line):
            parts.append(f"{match[1]}. {match[2]}")
        elif match := _LABELLED_BULLET.match(line):
            parts.append(f"* {match[1].rstrip(':')}")
        elif match := _CHECKBOX.match(line):
            parts.append(f"[ ] {match[1].strip()}")
    return parts


@dataclass(frozen=True)
class Row:
    part: str
    taught: list[str]
    graded: list[str]


def read_rows(page: str) -> list[Row]:
    rows = []
    for line in page.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        assert len(cells) == 3, f"a row needs three cells: {line}"
        part, taught, graded = cells
        assert part.startswith("`"), f"the first cell is in backticks: {line}"
        assert part.endswith("`"), f"the first cell is in backticks: {line}"
        rows.append(Row(part[1:-1], taught.split("<br>"), graded.split("<br>")))
    return rows


ROWS = read_rows(PAGE.read_text(encoding="utf-8"))
LESSONS = {lesson.stem: lesson for lesson in COURSE.lessons}
EXERCISES = {exercise.id for exercise in COURSE.exercises}
QUIZZES = {quiz.id for lesson in COURSE.lessons for quiz in lesson.data.quizzes}


def notebook_headings(stem: str) -> set[str]:
    """Every markdown heading of the lesson notebook, without its `#` marks."""
    headings = set()
    for cell in read_cells(REPO / "notebooks" / f"{stem}.ipynb"):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if _FENCE.match(line):
                fenced = not fenced
            elif not fenced and (match := _HEADING.match(line)):
                headings.add(match[2])
    return headings


def row_ids(rows: list[Row]) -> list[str]:
    return [f"{number:02}:{row.part[:40]}" for number, row in enumerate(rows)]


def test_the_page_has_rows() -> None:
    assert len(ROWS) >= 34, "the seed has 34 headings alone"


@pytest.mark.skipif(
    not SEED.is_file(),
    reason=f"the seed is not in this checkout ({SEED} is absent): the rows are still "
    "checked against the course, but not against the seed's parts",
)
def test_every_part_of_the_seed_has_its_row_in_order() -> None:
    parts = seed_parts(SEED.read_text(encoding="utf-8"))
    assert len(parts) > 60, f"the seed parser found only {len(parts)} parts"
    rows = [row.part for row in ROWS]
    missing = [part for part in parts if part not in rows]
    assert not missing, f"parts of the seed without a row: {missing}"
    assert rows == parts, "the rows must follow the seed, one per part, in the seed's order"


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_taught_in_names_real_sections_of_real_lessons(row: Row) -> None:
    lessons_named = 0
    for entry in row.taught:
        if planned := _PLANNED.match(entry):
            assert planned["stem"] not in LESSONS, (
                f"{row.part}: {planned['stem']} has landed; point this row at its "
                "section instead of 'planned:'"
            )
            continue
        match = _TAUGHT.match(entry)
        assert match, f"{row.part}: write '`NN_lesson` § Heading' or 'planned: NN_lesson'"
        assert match["stem"] in LESSONS, f"{row.part}: there is no lesson {match['stem']}"
        headings = notebook_headings(match["stem"])
        assert match["heading"] in headings, (
            f"{row.part}: notebooks/{match['stem']}.ipynb has no heading {match['heading']!r}"
        )
        lessons_named += 1
    planned_only = all(_PLANNED.match(entry) for entry in row.taught)
    assert lessons_named or planned_only, f"{row.part}: taught nowhere"


@pytest.mark.parametrize("row", ROWS, ids=row_ids(ROWS))
def test_graded_by_names_real_exercises_and_quizzes(row: Row) -> None:
    for entry in row.graded:
        if planned := _PLANNED.match(entry):
            assert planned["stem"] not in LESSONS, (
                f"{row.part}: {planned['stem']} has landed; name its exercise ids instead"
            )
            continue
        if _NOT_GRADED.match(entry):
            assert len(row.graded) == 1, f"{row.part}: 'not graded' stands alone"
            continue
        match = _GRADED.match(entry)
        assert match, (
            f"{row.part}: write '`lesson.id`', '`lesson.id` (quiz)', 'planned: NN_lesson' "
            f"or 'not graded: why'; got {entry!r}"
        )
        if match["quiz"]:
            assert match["id"] in QUIZZES, f"{row.part}: there is no quiz {match['id']}"
        else:
            assert match["id"] in EXERCISES, f"{row.part}: there is no exercise {match['id']}"


def test_the_parser_reads_parts_and_skips_code() -> None:
    seed = (
        "# Title\n## Part\n* **Label:** text\n  * **Nested:** skipped\n"
        "1. **One.** text\n```python\n# a comment, not a heading\n```\n- [ ] Box\n"
    )
    assert seed_parts(seed) == ["# Title", "## Part", "* Label", "1. One.", "[ ] Box"]


def test_a_row_naming_a_missing_heading_is_caught() -> None:
    # The checks above are only worth something if they can fail.
    [row] = read_rows("| `## Part` | `01_zen` § No such section | `zen.nope` |")
    with pytest.raises(AssertionError, match="has no heading 'No such section'"):
        test_taught_in_names_real_sections_of_real_lessons(row)
    with pytest.raises(AssertionError, match=r"there is no exercise zen\.nope"):
        test_graded_by_names_real_exercises_and_quizzes(row)
    [planned] = read_rows("| `## Part` | planned: 01_zen | `zen.zen` (quiz) |")
    with pytest.raises(AssertionError, match="01_zen has landed"):
        test_taught_in_names_real_sections_of_real_lessons(planned)
    with pytest.raises(AssertionError, match=r"there is no quiz zen\.zen"):
        test_graded_by_names_real_exercises_and_quizzes(planned)
