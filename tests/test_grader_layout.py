"""A lesson's graders live in one file, or in a folder with one module per exercise."""

from __future__ import annotations

import shutil
from pathlib import Path

from zendo._course import load_course
from zendo._grade import grade_notebook, grader_hashes
from zendo._limits import Limits
from zendo._results import Status

COURSE_V2 = Path(__file__).parent / "fixtures" / "course_v2"


def _split_into_a_folder(root: Path) -> Path:
    """Move the fixture lesson's one grader file into tests/graders/01_calc/."""
    single = root / "tests" / "graders" / "test_01_calc.py"
    package = root / "tests" / "graders" / "01_calc"
    package.mkdir()
    shutil.move(single, package / "test_calc_all.py")
    (package / "calc_helpers.py").write_text("ANSWER = 42\n")
    return package


def test_a_grader_folder_is_graded_and_hashed_whole(tmp_path: Path) -> None:
    root = tmp_path / "course"
    shutil.copytree(COURSE_V2, root)
    course = load_course(root)
    [lesson] = [lesson for lesson in course.lessons if lesson.data.exercises]
    one_file = grader_hashes(course)[lesson.stem]

    package = _split_into_a_folder(root)
    course = load_course(root)
    assert lesson.grader_files(root) == [package / "test_calc_all.py"]
    in_a_folder = grader_hashes(course)[lesson.stem]
    assert in_a_folder != one_file
    (package / "calc_helpers.py").write_text("ANSWER = 43\n")
    assert grader_hashes(course)[lesson.stem] != in_a_folder  # helpers count too

    solution = lesson.notebook_path(root, "solutions")
    result = grade_notebook(course, solution, lesson.data.exercises, Limits())
    assert result.status is Status.PASS, result
    starter = lesson.notebook_path(root, "exercises")
    result = grade_notebook(course, starter, lesson.data.exercises, Limits())
    assert all(exercise.status is Status.FAIL for exercise in result.exercises)


def test_no_conftest_reaches_a_judge(tmp_path: Path) -> None:
    """A `conftest.py` beside the graders, or above them (a course repository's own test
    suite's, in `tests/`), is not loaded into the judge: its hooks and fixtures would
    run in every check. Shared helpers are modules the graders import by name."""
    root = tmp_path / "course"
    shutil.copytree(COURSE_V2, root)
    package = _split_into_a_folder(root)
    broken = 'raise RuntimeError("a conftest.py was loaded into the judge")\n'
    (package / "conftest.py").write_text(broken)
    (root / "tests" / "conftest.py").write_text(broken)
    course = load_course(root)
    [lesson] = [lesson for lesson in course.lessons if lesson.data.exercises]
    solution = lesson.notebook_path(root, "solutions")
    result = grade_notebook(course, solution, lesson.data.exercises, Limits())
    assert result.status is Status.PASS, result
