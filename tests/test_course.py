"""The course's own proofs: every grader is proven against the reference solution, the
untouched starter and each known wrong answer, and no fact drifts between the lesson
files, the notebooks and the graders.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, replace_cells
from zendo._build import generated_text
from zendo._course import Lesson, load_course
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._notebook import read_cells
from zendo._results import Status

COURSE = load_course(REPO)
GRADED = [lesson for lesson in COURSE.lessons if lesson.data.exercises]
WRONG_ROOT = REPO / "tests" / "graders" / "wrong"
MIN_WRONG_ANSWERS = {"money": 4}
DEFAULT_MIN_WRONG_ANSWERS = 3


@dataclass(frozen=True)
class WrongAnswer:
    path: Path
    exercise_id: str
    what: str
    caught_by: str
    hint: str
    source: str


def read_wrong_answer(path: Path) -> WrongAnswer:
    source = path.read_text(encoding="utf-8")
    header = dict(re.findall(r"^# (exercise|wrong|caught-by|hint): (.+)$", source, re.MULTILINE))
    missing = {"exercise", "wrong", "caught-by", "hint"} - header.keys()
    assert not missing, f"{path}: header lines missing: {sorted(missing)}"
    assert source.startswith(f"# exercise: {header['exercise']}\n"), f"{path}: first line"
    assert path.parent.name == header["exercise"], f"{path}: folder and exercise line differ"
    return WrongAnswer(
        path, header["exercise"], header["wrong"], header["caught-by"], header["hint"], source
    )


WRONG_ANSWERS = [read_wrong_answer(path) for path in sorted(WRONG_ROOT.glob("*/*.py"))]
RIGHT_ROOT = REPO / "tests" / "graders" / "right"
MIN_RIGHT_ANSWERS = 2
# Lessons whose alternative correct answers are not written yet (issue 11, item 3). The
# test below fails as soon as one of them has them all, so the list can only shrink.
RIGHT_ANSWERS_STILL_TO_WRITE: set[str] = set()


@dataclass(frozen=True)
class RightAnswer:
    """A correct answer in another style than the reference: every grader must pass it."""

    path: Path
    exercise_id: str
    style: str
    source: str


def read_right_answer(path: Path) -> RightAnswer:
    source = path.read_text(encoding="utf-8")
    header = dict(re.findall(r"^# (exercise|right): (.+)$", source, re.MULTILINE))
    missing = {"exercise", "right"} - header.keys()
    assert not missing, f"{path}: header lines missing: {sorted(missing)}"
    assert source.startswith(f"# exercise: {header['exercise']}\n"), f"{path}: first line"
    assert path.parent.name == header["exercise"], f"{path}: folder and exercise line differ"
    return RightAnswer(path, header["exercise"], header["right"], source)


RIGHT_ANSWERS = [read_right_answer(path) for path in sorted(RIGHT_ROOT.glob("*/*.py"))]


def lesson_ids(lessons: list[Lesson]) -> list[str]:
    return [lesson.stem for lesson in lessons]


@pytest.mark.slow
@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_reference_solution_passes_every_grader(lesson: Lesson) -> None:
    solution = lesson.notebook_path(REPO, "solutions")
    result = grade_notebook(COURSE, solution, lesson.data.exercises, Limits())
    problems = {
        e.id: [(t.name, t.message) for t in e.tests if t.status is not Status.PASS]
        for e in result.exercises
        if e.status is not Status.PASS
    }
    assert not problems
    assert result.points == result.max_points


@pytest.mark.slow
@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_untouched_starter_fails_every_exercise_with_a_learner_message(lesson: Lesson) -> None:
    starter = lesson.notebook_path(REPO, "exercises")
    result = grade_notebook(COURSE, starter, lesson.data.exercises, Limits())
    for exercise in result.exercises:
        assert exercise.status is Status.FAIL, (exercise.id, exercise.status, exercise.tests)
        problem = exercise.first_problem
        assert problem is not None
        assert problem.message
        assert "Traceback" not in problem.message
        assert exercise.points == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    "wrong", WRONG_ANSWERS, ids=[f"{w.exercise_id}/{w.path.stem}" for w in WRONG_ANSWERS]
)
def test_known_wrong_answer_is_caught_by_its_test_with_its_hint(
    wrong: WrongAnswer, tmp_path: Path
) -> None:
    exercise = COURSE.exercise(wrong.exercise_id)
    lesson = COURSE.lesson_of(exercise)
    notebook = replace_cells(
        lesson.notebook_path(REPO, "solutions"),
        {wrong.exercise_id: wrong.source},
        tmp_path / "wrong.ipynb",
    )
    [result] = grade_notebook(COURSE, notebook, [exercise], Limits()).exercises
    assert result.status is not Status.PASS
    named = [test for test in result.tests if test.name.split("[")[0] == wrong.caught_by]
    assert named, f"{wrong.caught_by} did not run; tests run: {[t.name for t in result.tests]}"
    caught = named[0]
    assert caught.status is Status.FAIL, (caught.status, caught.message)
    assert caught.hint_id == wrong.hint, (caught.hint_id, caught.message)
    assert caught.hint == lesson.data.hints[wrong.hint]


@pytest.mark.slow
@pytest.mark.parametrize(
    "right", RIGHT_ANSWERS, ids=[f"{r.exercise_id}/{r.path.stem}" for r in RIGHT_ANSWERS]
)
def test_a_correct_answer_in_another_style_passes(right: RightAnswer, tmp_path: Path) -> None:
    exercise = COURSE.exercise(right.exercise_id)
    lesson = COURSE.lesson_of(exercise)
    notebook = replace_cells(
        lesson.notebook_path(REPO, "solutions"),
        {right.exercise_id: right.source},
        tmp_path / "right.ipynb",
    )
    [result] = grade_notebook(COURSE, notebook, [exercise], Limits()).exercises
    failed = [(t.title or t.name, t.message) for t in result.tests if t.status is not Status.PASS]
    assert result.status is Status.PASS, (right.style, failed)
    assert result.points == result.max_points


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_every_exercise_has_correct_answers_in_other_styles(lesson: Lesson) -> None:
    # Issue 11's standing fairness proof: a grader that fails a correct answer written
    # another way is as wrong as one that passes a wrong answer.
    missing = {
        exercise.id: count
        for exercise in lesson.data.exercises
        if (count := sum(1 for r in RIGHT_ANSWERS if r.exercise_id == exercise.id))
        < MIN_RIGHT_ANSWERS
    }
    if lesson.slug in RIGHT_ANSWERS_STILL_TO_WRITE:
        assert missing, f"{lesson.slug} has its right answers now: drop it from the list"
        return
    assert not missing, f"correct answers in other styles, {MIN_RIGHT_ANSWERS} needed: {missing}"


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_every_exercise_has_its_known_wrong_answers(lesson: Lesson) -> None:
    wanted = MIN_WRONG_ANSWERS.get(lesson.slug, DEFAULT_MIN_WRONG_ANSWERS)
    for exercise in lesson.data.exercises:
        count = sum(1 for wrong in WRONG_ANSWERS if wrong.exercise_id == exercise.id)
        assert count >= wanted, f"{exercise.id} has {count} known wrong answers; {wanted} needed"


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_exercises_are_what_build_generates_from_solutions(lesson: Lesson) -> None:
    exercises = lesson.notebook_path(REPO, "exercises")
    expected = generated_text(lesson.notebook_path(REPO, "solutions"))
    assert exercises.read_text(encoding="utf-8") == expected, "run `zendo build` and commit"


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_solution_notebook_has_exactly_the_lessons_exercises(lesson: Lesson) -> None:
    cells = read_cells(lesson.notebook_path(REPO, "solutions"))
    in_notebook = [cell.exercise_id for cell in cells if cell.exercise_id]
    assert in_notebook == [exercise.id for exercise in lesson.data.exercises]


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=lesson_ids(list(COURSE.lessons)))
def test_lesson_notebook_opens_and_closes_with_its_facts(lesson: Lesson) -> None:
    markdown = [
        c.source
        for c in read_cells(lesson.notebook_path(REPO, "notebooks"))
        if c.cell_type == "markdown"
    ]
    first, last = markdown[0], markdown[-1]
    assert first.startswith(f"# {lesson.title}\n"), "the first cell opens with the title"
    # The heading levels are tests/test_accessibility.py's business; here, that they exist.
    assert re.search(r"^#+ Questions$", first, re.MULTILINE), "no 'Questions' heading"
    assert re.search(r"^#+ Objectives$", first, re.MULTILINE), "no 'Objectives' heading"
    lines = first.splitlines()
    [time_at] = [at for at, line in enumerate(lines) if line.startswith("Time: ")]
    assert lines[time_at].startswith(f"Time: {lesson.data.minutes} minutes")
    # Issue 15: the prerequisites are the paragraph right before the time estimate (a
    # blank line between them, or markdown joins the two lines into one).
    expected = ", ".join(lesson.data.prerequisites) or "none"
    assert time_at > 1
    assert lines[time_at - 1] == "", "a blank line must separate 'Prerequisites:' from 'Time:'"
    assert lines[time_at - 2] == f"Prerequisites: {expected}", (
        f"the paragraph before 'Time:' must be 'Prerequisites: {expected}', as in "
        f"course/{lesson.stem}.toml; it is {lines[time_at - 2]!r}"
    )
    for text in (*lesson.data.questions, *lesson.data.objectives):
        assert text in first, f"not in the first cell: {text!r}"
    assert last.startswith("## Key points\n"), "the last cell opens with '## Key points'"
    for text in lesson.data.key_points:
        assert text in last, f"not in the last cell: {text!r}"


def test_every_lesson_notebook_has_its_lesson_file() -> None:
    # The facts test above runs per lesson file: a notebook without one would escape it.
    notebooks = {path.stem for path in (REPO / "notebooks").glob("*.ipynb")}
    assert notebooks == {lesson.stem for lesson in COURSE.lessons}


def _grader_test_functions(lesson: Lesson) -> list[ast.FunctionDef]:
    """Every top-level function of the lesson's grader modules (one file, or a folder)."""
    return [
        node
        for path in lesson.grader_files(REPO)
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef)
    ]


def _grader_tests(lesson: Lesson) -> dict[str, tuple[str, list[str]]]:
    """Each grader test's exercise id and the hint ids it names, read from the source."""
    tests = {}
    for node in _grader_test_functions(lesson):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            ids = [
                d.args[0].value
                for d in node.decorator_list
                if isinstance(d, ast.Call)
                and getattr(d.func, "id", None) == "exercise"
                and isinstance(d.args[0], ast.Constant)
            ]
            assert len(ids) == 1, f"{node.name} needs exactly one @exercise(...)"
            assert node.name not in tests, f"two grader tests are named {node.name}"
            tests[node.name] = (str(ids[0]), [])
    return tests


def _grader_titles(lesson: Lesson) -> dict[str, tuple[str, object]]:
    """Each grader test's exercise id and the `title=` of its @exercise mark, from the source."""
    titles: dict[str, tuple[str, object]] = {}
    for node in _grader_test_functions(lesson):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and getattr(decorator.func, "id", None) == "exercise"
                ):
                    exercise_id = ast.literal_eval(decorator.args[0])
                    given = [k.value for k in decorator.keywords if k.arg == "title"]
                    title = ast.literal_eval(given[0]) if given else None
                    titles[node.name] = (exercise_id, title)
    return titles


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_every_grader_test_has_a_learner_facing_title(lesson: Lesson) -> None:
    # Learners read titles, never function names: one title per check, set once in
    # @exercise(..., title=...), short, and distinct within its exercise.
    seen: dict[tuple[str, str], str] = {}
    for test, (exercise_id, title) in _grader_titles(lesson).items():
        assert isinstance(title, str), f"{test} needs @exercise(..., title=...)"
        assert title.strip(), f"{test} has an empty title"
        assert len(title) <= 80, f"{test}: the title is over 80 characters: {title!r}"
        assert "test_" not in title, test
        assert test.removeprefix("test_") not in title, test
        assert (exercise_id, title) not in seen, (
            f"{test} and {seen[exercise_id, title]} share {title!r}"
        )
        seen[exercise_id, title] = test


def _hint_ids_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        str(keyword.value.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "hint" and isinstance(keyword.value, ast.Constant)
    }


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_every_grader_test_is_tied_to_an_exercise_of_its_lesson(lesson: Lesson) -> None:
    tests = _grader_tests(lesson)
    known = {exercise.id for exercise in lesson.data.exercises}
    assert {exercise_id for exercise_id, _ in tests.values()} == known
    for wrong in WRONG_ANSWERS:
        if wrong.exercise_id in known:
            assert tests.get(wrong.caught_by, ("?",))[0] == wrong.exercise_id, wrong.path


@pytest.mark.parametrize("lesson", GRADED, ids=lesson_ids(GRADED))
def test_failure_hints_are_all_defined_and_all_used(lesson: Lesson) -> None:
    package = lesson.grader_package(REPO)
    modules = sorted(package.glob("*.py")) if package.is_dir() else lesson.grader_files(REPO)
    used = set().union(*(_hint_ids_in(path) for path in modules))
    defined = set(lesson.data.hints)
    assert used <= defined, f"hints named by graders but not defined: {sorted(used - defined)}"
    assert defined <= used, f"hints defined but never used: {sorted(defined - used)}"
    wrong_hints = {
        w.hint for w in WRONG_ANSWERS if COURSE.exercise(w.exercise_id).lesson_slug == lesson.slug
    }
    assert wrong_hints <= defined
