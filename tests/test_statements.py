"""Every grader test checks something its exercise's statement asks for, in so many words.

Issue 11: a grader that checks a requirement the learner was never told is unfair, and
a statement that drops a requirement a grader still checks is a trap. Each grader test
(visible or hidden) declares, in tests/graders/statements.toml, the phrases of its
exercise's statement that ask for what it checks; these tests prove that every grader
test has a declaration, that every declaration names a real test, and that every phrase
is in the statement the learner reads.
"""

from __future__ import annotations

import ast
import re
import tomllib

import pytest

from tests.conftest import REPO
from zendo._course import Lesson, load_course
from zendo._notebook import read_cells

COURSE = load_course(REPO)
GRADED = [lesson for lesson in COURSE.lessons if lesson.data.exercises]
DECLARATIONS = REPO / "tests" / "graders" / "statements.toml"
MIN_WORDS = 3  # a phrase of one or two words ("the order") would match almost anything


def normalise(text: str) -> str:
    """Text as a reader sees it: no case, no markdown emphasis or code marks, one space."""
    return " ".join(re.sub(r"[`*]", "", text).lower().split())


def statements(lesson: Lesson) -> dict[str, str]:
    """Each exercise's statement: the markdown cells between the previous code cell and it."""
    found: dict[str, str] = {}
    markdown: list[str] = []
    for cell in read_cells(lesson.notebook_path(REPO, "solutions")):
        if cell.cell_type == "markdown":
            markdown.append(cell.source)
            continue
        if cell.exercise_id:
            found[cell.exercise_id] = normalise("\n".join(markdown))
        markdown = []
    return found


def grader_tests(lesson: Lesson) -> dict[str, str]:
    """Each grader test of the lesson (visible and hidden) and the exercise it checks."""
    tests: dict[str, str] = {}
    for path in lesson.grader_files_with_hidden(REPO):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test_")):
                continue
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == (
                    "exercise"
                ):
                    tests[node.name] = ast.literal_eval(decorator.args[0])
    return tests


def declared() -> dict[str, dict[str, list[str]]]:
    """statements.toml read as exercise id -> test name -> its phrases."""
    data = tomllib.loads(DECLARATIONS.read_text(encoding="utf-8"))
    return {
        exercise_id: {
            test: [phrases] if isinstance(phrases, str) else list(phrases)
            for test, phrases in tests.items()
        }
        for exercise_id, tests in data.items()
    }


DECLARED = declared()


def lesson_ids(lessons: list[Lesson]) -> list[str]:
    return [lesson.stem for lesson in lessons]


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_every_grader_test_declares_what_its_statement_asks(lesson: Lesson) -> None:
    undeclared = [
        f"{exercise_id}: {test}"
        for test, exercise_id in grader_tests(lesson).items()
        if test not in DECLARED.get(exercise_id, {})
    ]
    assert not undeclared, (
        f"add these grader tests to {DECLARATIONS.relative_to(REPO)}, each with the words "
        f"of its exercise's statement that ask for what it checks: {undeclared}"
    )


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_every_declaration_names_a_grader_test_of_its_exercise(lesson: Lesson) -> None:
    tests = grader_tests(lesson)
    for exercise in lesson.data.exercises:
        stale = [test for test in DECLARED.get(exercise.id, {}) if tests.get(test) != exercise.id]
        assert not stale, f"{exercise.id}: no grader test of this exercise is named {stale}"


def test_every_declared_exercise_exists() -> None:
    known = {exercise.id for lesson in GRADED for exercise in lesson.data.exercises}
    assert set(DECLARED) <= known, sorted(set(DECLARED) - known)


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_every_declared_phrase_is_in_the_statement(lesson: Lesson) -> None:
    texts = statements(lesson)
    problems = []
    for exercise in lesson.data.exercises:
        statement = texts[exercise.id]
        assert statement, f"{exercise.id} has no statement above its exercise cell"
        for test, phrases in DECLARED.get(exercise.id, {}).items():
            assert phrases, f"{exercise.id}: {test} declares no phrase"
            for phrase in phrases:
                wanted = normalise(phrase)
                assert len(wanted.split()) >= MIN_WORDS, f"{test}: {phrase!r} is too short"
                if wanted not in statement:
                    problems.append(f"{exercise.id}: {test}: {phrase!r}")
    assert not problems, f"phrases not found in their exercise's statement: {problems}"


def test_normalise_ignores_only_presentation() -> None:
    # The comparison forgives markdown and line breaks, never a changed word.
    shown = "Make `Money` **immutable**:\nassigning to a field raises."
    assert normalise("make Money immutable: assigning to a field raises") in normalise(shown)
    assert normalise("make Money mutable: assigning to a field raises") not in normalise(shown)


def test_statements_are_read_from_the_solution_notebooks() -> None:
    # The statement of an exercise is the markdown right above it, not the notebook's
    # introduction and not another exercise's text.
    [zen] = [lesson for lesson in GRADED if lesson.slug == "zen"]
    texts = statements(zen)
    assert "19 aphorisms" in texts["zen.zen"]
    assert "19 aphorisms" not in texts["zen.is_leap"]
    assert "run the set-up cell first" not in texts["zen.is_leap"]
