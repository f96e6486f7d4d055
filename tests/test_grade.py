"""The grading pipeline on the fixture course: verdicts, points, messages and limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import NotebookMaker
from zendo._course import Course
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._results import ExerciseResult, Status, SubmissionResult


def grade(course: Course, notebook: Path) -> SubmissionResult:
    return grade_notebook(course, notebook, course.exercises, Limits())


def by_id(result: SubmissionResult) -> dict[str, ExerciseResult]:
    return {exercise.id: exercise for exercise in result.exercises}


def test_reference_solution_passes_with_full_points(fixture_course: Course) -> None:
    result = grade(fixture_course, fixture_course.root / "solutions" / "01_demo.ipynb")
    assert result.status is Status.PASS
    assert (result.points, result.max_points) == (3, 3)


def test_untouched_starter_fails_and_says_it_is_not_done(fixture_course: Course) -> None:
    result = grade(fixture_course, fixture_course.root / "exercises" / "01_demo.ipynb")
    add = by_id(result)["demo.add"]
    assert add.status is Status.FAIL
    assert "not done yet" in add.tests[0].message
    assert result.points == 0


def test_starter_that_raises_at_the_top_of_the_cell_is_a_fail_not_an_error(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    notebook = make_notebook({"demo.add": "# exercise: demo.add\nraise NotImplementedError"})
    add = by_id(grade(fixture_course, notebook))["demo.add"]
    assert add.status is Status.FAIL
    assert "demo.add is not done yet" in add.tests[0].message


def test_wrong_answer_gets_message_and_hint_text(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    notebook = make_notebook(
        {"demo.greet": "# exercise: demo.greet\ndef greet(n):\n    return 'Hi'"}
    )
    greet = by_id(grade(fixture_course, notebook))["demo.greet"]
    assert greet.status is Status.FAIL
    problem = greet.first_problem
    assert problem is not None
    assert problem.message == "greet('Ada') returned 'Hi'."
    assert (problem.hint_id, problem.hint) == (
        "greeting",
        "The greeting must be exactly 'Hello, NAME!'.",
    )


def test_points_are_shared_by_test_weight(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # Passes the weight-1 test (2 + 3) and fails the weight-3 test (negative numbers).
    code = "# exercise: demo.add\ndef add(a, b):\n    return abs(a) + abs(b)"
    add = by_id(grade(fixture_course, make_notebook({"demo.add": code})))["demo.add"]
    assert add.status is Status.FAIL
    assert add.points == 0.5


def test_syntax_error_is_an_error_naming_the_cell_line(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = "# exercise: demo.add\ndef add(a, b):\n    return a +"
    add = by_id(grade(fixture_course, make_notebook({"demo.add": code})))["demo.add"]
    assert add.status is Status.ERROR
    assert "line 3 of cell 3, your demo.add cell" in add.tests[0].message


def test_exception_in_learner_code_names_its_line(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = "# exercise: demo.add\ndef add(a, b):\n    return a / 0"
    add = by_id(grade(fixture_course, make_notebook({"demo.add": code})))["demo.add"]
    assert add.status is Status.FAIL
    assert add.tests[0].message.startswith("ZeroDivisionError while checking your code")
    assert "line 3 of cell 3, your demo.add cell" in add.tests[0].message


def test_name_from_another_cell_says_to_move_it(
    fixture_course: Course, make_notebook: NotebookMaker, tmp_path: Path
) -> None:
    import json

    notebook = make_notebook(
        {"demo.add": "# exercise: demo.add\ndef add(a, b):\n    return helper(a, b)"}
    )
    data = json.loads(notebook.read_text())
    data["cells"].append({"cell_type": "code", "id": "x", "metadata": {}, "outputs": [],
                          "execution_count": None, "source": "def helper(a, b):\n    return a + b"})  # fmt: skip
    notebook.write_text(json.dumps(data))
    add = by_id(grade(fixture_course, notebook))["demo.add"]
    assert add.status is Status.ERROR
    assert "'helper', which is defined in another cell (cell 5)" in add.tests[0].message


def test_endless_loop_times_out_and_other_exercises_are_still_graded(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = "# exercise: demo.add\ndef add(a, b):\n    while True:\n        pass"
    result = by_id(grade(fixture_course, make_notebook({"demo.add": code})))
    assert result["demo.add"].status is Status.TIMEOUT
    assert "still running after 3 seconds" in result["demo.add"].tests[0].message
    assert result["demo.greet"].status is Status.PASS


def test_timeout_inside_a_membership_loop_is_a_timeout_not_an_internal_fault(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # On Python 3.11 the alarm can land where a frame has no line number; pytest could
    # not format that traceback and the whole run failed as an internal error.
    code = (
        "# exercise: demo.add\ndef add(a, b):\n    seen = []\n    for x in range(10**6):\n"
        "        if x not in seen:\n            seen.append(x)\n    return a + b"
    )
    add = by_id(grade(fixture_course, make_notebook({"demo.add": code})))["demo.add"]
    assert add.status is Status.TIMEOUT


def test_loop_that_swallows_the_soft_timeout_is_killed_by_the_hard_one(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = (
        "# exercise: demo.add\ndef add(a, b):\n    while True:\n        try:\n"
        "            while True:\n                pass\n        except BaseException:\n            pass"
    )
    result = by_id(grade(fixture_course, make_notebook({"demo.add": code})))
    assert result["demo.add"].status is Status.TIMEOUT
    assert result["demo.add"].points == 0


def test_sys_exit_is_a_failure_with_its_own_message(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = "# exercise: demo.add\nimport sys\ndef add(a, b):\n    sys.exit(0)"
    add = by_id(grade(fixture_course, make_notebook({"demo.add": code})))["demo.add"]
    assert add.status is Status.FAIL
    assert "called sys.exit(0)" in add.tests[0].message


def test_os_exit_cannot_fake_a_pass(fixture_course: Course, make_notebook: NotebookMaker) -> None:
    code = "# exercise: demo.add\nimport os\ndef add(a, b):\n    os._exit(0)"
    result = grade(fixture_course, make_notebook({"demo.add": code}))
    assert by_id(result)["demo.add"].status is Status.ERROR
    assert result.status is not Status.PASS


def test_os_exit_after_a_passing_check_cannot_keep_the_points(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # The first check (2 + 3) passes; the second (negative numbers) exits the process.
    code = (
        "# exercise: demo.add\nimport os\ndef add(a, b):\n    if a < 0:\n"
        "        os._exit(0)\n    return a + b"
    )
    add = by_id(grade(fixture_course, make_notebook({"demo.add": code})))["demo.add"]
    assert add.status is Status.ERROR
    assert add.points == 0.5  # only the passed check's weight: 1 of 4
    assert "ended before every check had run" in add.tests[-1].message


def test_memory_bomb_is_a_result_not_a_crash(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = "# exercise: demo.add\ndef add(a, b):\n    return len(bytearray(10 * 2**30))"
    add = by_id(grade(fixture_course, make_notebook({"demo.add": code})))["demo.add"]
    assert add.status is Status.FAIL
    assert "MemoryError" in add.tests[0].message


def test_learner_code_does_not_see_the_parents_secrets(
    fixture_course: Course, make_notebook: NotebookMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENDO_TEST_SECRET", "hunter2")
    code = "# exercise: demo.greet\nimport os\ndef greet(name):\n    return os.environ.get('ZENDO_TEST_SECRET', 'none')"
    greet = by_id(grade(fixture_course, make_notebook({"demo.greet": code})))["demo.greet"]
    assert greet.tests[0].message == "greet('Ada') returned 'none'."


def test_learner_output_is_kept_and_cut_at_the_limit(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    code = "# exercise: demo.greet\ndef greet(name):\n    print('x' * 50_000)\n    return 'Hi'"
    result = grade_notebook(
        fixture_course,
        make_notebook({"demo.greet": code}),
        [fixture_course.exercise("demo.greet")],
        Limits(max_output_chars=1000),
    )
    output = result.exercises[0].tests[0].output
    assert output.startswith("x" * 1000)
    assert output.endswith("[... 49000 more characters of output cut]")


def test_missing_exercise_cell_is_an_error_with_the_way_back(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    notebook = make_notebook({"demo.greet": "# just a comment now"})
    greet = by_id(grade(fixture_course, notebook))["demo.greet"]
    assert greet.status is Status.ERROR
    assert "zendo reset demo.greet" in greet.message


def test_work_done_before_a_crash_is_not_lost(
    fixture_course: Course, make_notebook: NotebookMaker
) -> None:
    # The segfault happens in demo.greet's test, after demo.add's tests have run.
    crash = (
        "# exercise: demo.greet\nimport ctypes\ndef greet(name):\n    return ctypes.string_at(0)"
    )
    result = by_id(grade(fixture_course, make_notebook({"demo.greet": crash})))
    assert result["demo.add"].status is Status.PASS
    assert result["demo.greet"].status is Status.ERROR
    assert "segmentation fault" in result["demo.greet"].message
