"""What a learner reads in a verdict: each cause once, titles for checks, cells by position."""

from __future__ import annotations

import ast
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO, replace_cells
from zendo._course import Course, load_course
from zendo._grade import grade_notebook, grade_sources
from zendo._kernel import sources_from_history
from zendo._limits import Limits
from zendo._results import ExerciseResult, Status, TestResult
from zendo.cli import cli
from zendo.render.html import render_exercise_html
from zendo.render.terminal import render_exercise_lines

MONEY_GRADERS = REPO / "tests" / "graders" / "05_money"  # one module per exercise (v2)
NOT_DONE = "is not done yet: your code still raises NotImplementedError"


@pytest.fixture
def money_course(tmp_path: Path) -> Course:
    """The money lesson alone, copied, so checks record progress in the copy."""
    root = tmp_path / "money-course"
    (root / "course").mkdir(parents=True)
    for name in ("course.toml", "05_money.toml"):
        shutil.copy(REPO / "course" / name, root / "course" / name)
    (root / "tests" / "graders").mkdir(parents=True)
    shutil.copytree(MONEY_GRADERS, root / "tests" / "graders" / MONEY_GRADERS.name)
    for folder in ("exercises", "solutions"):
        (root / folder).mkdir()
        shutil.copy(REPO / folder / "05_money.ipynb", root / folder / "05_money.ipynb")
    return load_course(root)


def grader_function_names() -> set[str]:
    return {
        node.name
        for module in sorted(MONEY_GRADERS.glob("*.py"))
        for node in ast.parse(module.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def rendered(exercise: ExerciseResult) -> tuple[str, str]:
    return "\n".join(render_exercise_lines(exercise)), render_exercise_html(exercise)


# -- one line per cause ---------------------------------------------------------------------


def test_starter_of_a_five_check_exercise_says_its_cause_once(money_course: Course) -> None:
    split = money_course.exercise("money.split")
    code = CliRunner().invoke(cli, ["--course", str(money_course.root), "check", "money.split"])
    assert code.exit_code == 1, code.output
    assert code.output.count(NOT_DONE) == 1
    assert "None of the 5 checks passed, for one reason:" in code.output
    assert "more check" not in code.output

    starter = money_course.lesson_of(split).notebook_path(money_course.root, "exercises")
    [result] = grade_notebook(money_course, starter, [split], Limits()).exercises
    assert len(result.tests) == 5
    html = render_exercise_html(result)
    assert html.count(NOT_DONE) == 1
    assert html.count("<li>") == 1
    assert "None of the 5 checks passed, for one reason:" in html
    # The one cause still says which checks it stopped, by their titles.
    assert "The shares add up to the total" in html


def test_distinct_causes_are_each_shown_once_with_their_hint(money_course: Course) -> None:
    # Dumping the remainder on the last share breaks three checks for three reasons.
    wrong = (REPO / "tests/graders/wrong/money.split/remainder_on_last.py").read_text()
    split = money_course.exercise("money.split")
    notebook = replace_cells(
        money_course.root / "solutions" / "05_money.ipynb",
        {"money.split": wrong},
        money_course.root / "wrong.ipynb",
    )
    [result] = grade_notebook(money_course, notebook, [split], Limits()).exercises
    hints = [test.hint_id for test in result.tests if test.status is not Status.PASS]
    text, html = rendered(result)
    assert html.count("<li>✗") == len(set(hints)) == 3
    for hint_id in set(hints):
        assert html.count(money_course.hint_text(hint_id, split) or "?") == 1
    assert "(2 more checks did not pass for other reasons; fix this one first.)" in text
    assert "Did not pass: Splits known bills, extra units first" in text


# -- titles, never function names -----------------------------------------------------------


def _wrong_answer_notebooks(course: Course, folder: Path) -> list[Path]:
    """The money wrong answers, several to a notebook (one per exercise), to grade fewer runs."""
    by_exercise: dict[str, list[str]] = {}
    for path in sorted((REPO / "tests" / "graders" / "wrong").glob("money.*/*.py")):
        by_exercise.setdefault(path.parent.name, []).append(path.read_text(encoding="utf-8"))
    rounds = max(len(answers) for answers in by_exercise.values())
    solution = course.root / "solutions" / "05_money.ipynb"
    return [
        replace_cells(
            solution,
            {ex: answers[i] for ex, answers in by_exercise.items() if i < len(answers)},
            folder / f"wrong-{i}.ipynb",
        )
        for i in range(rounds)
    ]


@pytest.mark.slow
def test_no_grader_function_name_reaches_a_learner(money_course: Course, tmp_path: Path) -> None:
    names = grader_function_names()
    exercises = money_course.lesson("money").data.exercises
    notebooks = [
        money_course.root / "exercises" / "05_money.ipynb",
        *_wrong_answer_notebooks(money_course, tmp_path),
    ]
    failing_titles = 0
    for notebook in notebooks:
        for result in grade_notebook(money_course, notebook, exercises, Limits()).exercises:
            text, html = rendered(result)
            leaked = [name for name in names if name in text or name.removeprefix("test_") in html]
            assert not leaked, (notebook.name, result.id, leaked)
            for test in result.tests:
                assert test.title, (result.id, test.name)
                if test.status is not Status.PASS:
                    failing_titles += test.title in html
    assert failing_titles > 40  # the titles really are what the learner reads


# -- "cell N" is the cell's position in the notebook ----------------------------------------

SETUP = "# setup\nimport math"
HELPER = "def helper(a, b):\n    return a + b"
RAISING_ADD = "# exercise: demo.add\ndef add(a, b):\n    return a / 0"
MOVED_ADD = "# exercise: demo.add\ndef add(a, b):\n    return helper(a, b)"


def saved_notebook(path: Path, exercise_cell: str) -> Path:
    """A notebook with markdown between the code cells, so positions differ from counts."""
    cells = [
        ("markdown", "# Demo"),
        ("code", SETUP),
        ("markdown", "Some text."),
        ("code", HELPER),
        ("markdown", "Now the exercise."),
        ("code", exercise_cell),
    ]
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": kind, "id": f"c{n}", "metadata": {}, "source": source}
            | ({"outputs": [], "execution_count": None} if kind == "code" else {})
            for n, (kind, source) in enumerate(cells)
        ],
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def first_message(result: list[ExerciseResult]) -> str:
    [exercise] = result
    problem = exercise.first_problem
    assert problem is not None
    return problem.message


@pytest.mark.parametrize(
    ("exercise_cell", "expected"),
    [
        (RAISING_ADD, "It was raised at line 3 of cell 6, your demo.add cell."),
        (MOVED_ADD, "'helper', which is defined in another cell (cell 4)."),
    ],
    ids=["line-in-the-cell", "name-from-another-cell"],
)
def test_cell_is_named_by_its_notebook_position_on_both_paths(
    fixture_course: Course,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    exercise_cell: str,
    expected: str,
) -> None:
    add = fixture_course.exercise("demo.add")
    notebook = saved_notebook(tmp_path / "work.ipynb", exercise_cell)
    saved = first_message(grade_notebook(fixture_course, notebook, [add], Limits()).exercises)
    assert expected in saved

    # In the kernel, the exercise ran twice, with the helper in between: execution
    # counts 2, 3 and 4, none of them the cell's place in the notebook.
    history = ["", SETUP, exercise_cell, HELPER, exercise_cell, "check('demo.add')"]
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    source = sources_from_history(history, "demo.add")
    assert source is not None
    assert source.cell_number == 6
    from_kernel = grade_sources(fixture_course, {"demo.add": source}, [add], Limits(), "kernel")
    assert first_message(from_kernel.exercises) == saved

    # JupyterLab may give the path relative to the server's root; the kernel runs in
    # the notebook's folder.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", f"somewhere/{notebook.name}")
    relative = sources_from_history(history, "demo.add")
    assert relative is not None
    assert relative.cell_number == 6


def test_without_the_notebook_file_the_cell_is_named_by_its_exercise(
    fixture_course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    add = fixture_course.exercise("demo.add")
    history = ["", SETUP, RAISING_ADD, HELPER, MOVED_ADD, "check('demo.add')"]
    raising = sources_from_history(history[:3], "demo.add")
    moved = sources_from_history(history, "demo.add")
    assert raising is not None
    assert moved is not None
    assert raising.cell_number is None
    for source, expected in [
        (raising, "It was raised at line 3 of your demo.add cell."),
        (moved, "'helper', which is defined in another cell. An exercise"),
    ]:
        result = grade_sources(fixture_course, {"demo.add": source}, [add], Limits(), "kernel")
        message = first_message(result.exercises)
        assert expected in message
        assert not re.search(r"\bcell \d", message), message


# -- the hint that belongs to the failure shown ---------------------------------------------


def grade_wrong_answer(course: Course, name: str, folder: Path) -> ExerciseResult:
    path = REPO / "tests" / "graders" / "wrong" / name
    exercise = course.exercise(path.parent.name)
    notebook = replace_cells(
        course.root / "solutions" / "05_money.ipynb",
        {exercise.id: path.read_text(encoding="utf-8")},
        folder / "wrong.ipynb",
    )
    [result] = grade_notebook(course, notebook, [exercise], Limits()).exercises
    return result


def failed(result: ExerciseResult) -> list[tuple[str, str | None, str]]:
    return [(t.name, t.hint_id, t.message) for t in result.tests if t.status is not Status.PASS]


@pytest.mark.slow
def test_a_float_detour_gets_the_float_hint_and_a_rounding_mode_does_not(
    money_course: Course, tmp_path: Path
) -> None:
    # round(float(amount), 2) loses the two places first: that is still the float's fault.
    detour = grade_wrong_answer(money_course, "money.round_money/round_builtin_float.py", tmp_path)
    problem = detour.first_problem
    assert problem is not None
    assert problem.hint_id == "binary_float", problem.message
    assert "only happens after a detour through float" in problem.message
    # ROUND_HALF_DOWN gives the float's answer on 2.675, but it never touched a float.
    half_down = grade_wrong_answer(
        money_course, "money.round_money/bankers_is_half_down.py", tmp_path
    )
    for _, hint_id, message in failed(half_down):
        assert hint_id == "rounding_mode", message
        assert "float" not in message


@pytest.mark.slow
def test_a_frozen_field_is_not_told_about_the_method_it_calls(
    money_course: Course, tmp_path: Path
) -> None:
    # Immutability is judged by running the assignment (mypy cannot see every frozen
    # design, issue 11): the message names the assignment, and never a method.
    result = grade_wrong_answer(money_course, "money.value_object/not_frozen.py", tmp_path)
    immutable = [f for f in failed(result) if f[0] == "test_money_is_immutable"]
    assert immutable, failed(result)
    _, hint_id, message = immutable[0]
    assert hint_id == "frozen_value_object"
    assert "price.minor = 0 was accepted" in message
    assert "method" not in message
    assert "never changes once it is made" in message


@pytest.mark.slow
def test_identity_equality_is_named_as_such_wherever_it_shows(
    money_course: Course, tmp_path: Path
) -> None:
    result = grade_wrong_answer(money_course, "money.value_object/identity_equality.py", tmp_path)
    assert len(failed(result)) >= 4
    assert {hint_id for _, hint_id, _ in failed(result)} == {"value_equality"}
    # One cause, said once.
    assert render_exercise_html(result).count("<li>✗") == 1


def test_a_refund_that_loses_units_gets_the_refund_hint(
    money_course: Course, tmp_path: Path
) -> None:
    result = grade_wrong_answer(money_course, "money.split/truncating_division.py", tmp_path)
    assert [(name, hint_id) for name, hint_id, _ in failed(result)] == [
        ("test_split_keeps_every_unit", "negative_totals"),
        ("test_split_handles_refunds", "negative_totals"),
    ]


def test_junit_failures_read_like_the_terminal(runner: CliRunner, course_root: Path) -> None:
    notebook = course_root / "exercises" / "01_demo.ipynb"
    result = runner.invoke(
        cli, ["--course", str(course_root), "grade", str(notebook), "--format", "junit"]
    )
    assert result.exit_code == 1
    suites = ET.fromstring(result.output.split("\n", 1)[1])  # noqa: S314 - our own output
    bodies = [failure.text or "" for failure in suites.iter("failure")]
    assert bodies
    for body in bodies:
        first, message = body.split("\n")[:2]
        assert first.startswith("Did not pass: ")
        assert "test_" not in first
        assert message.strip()


def test_causes_group_by_hint_or_else_by_message_and_the_help_line_is_the_callers() -> None:
    def check(title: str, message: str, hint_id: str | None = None) -> TestResult:
        return TestResult(
            name=f"test_{title}", title=title, status=Status.FAIL, message=message,
            hint=f"Hint text of {hint_id}." if hint_id else None, hint_id=hint_id,
        )  # fmt: skip

    result = ExerciseResult(
        id="demo.add", title="Add", status=Status.FAIL, points=0, max_points=2,
        tests=[
            check("A", "add(1, 2) returned 4.", "plus"),
            check("B", "add(5, 5) returned 11.", "plus"),
            check("C", "ValueError while checking your code."),
            check("D", "TypeError while checking your code."),
            TestResult(name="test_E", title="E", status=Status.PASS),
        ],
    )  # fmt: skip
    text = "\n".join(render_exercise_lines(result, more_help="More help: click Next hint."))
    html = render_exercise_html(result)
    assert html.count("<li>✗") == 3
    assert html.count("Hint text of plus.") == 1
    assert "2 checks did not pass, for the same reason:" in text
    assert "(2 more checks did not pass for other reasons; fix this one first.)" in text
    assert text.endswith("          More help: click Next hint.")
    assert "✓ 1 passed: E." in html


@pytest.mark.slow
def test_check_in_a_kernel_names_the_cell_by_its_place_in_the_notebook(
    fixture_course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbformat
    from nbclient import NotebookClient

    folder = fixture_course.root / "exercises"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Demo"),
        nbformat.v4.new_code_cell("# setup\nfrom zendo.notebook import check"),
        nbformat.v4.new_markdown_cell("Some text."),
        nbformat.v4.new_code_cell(HELPER),
        nbformat.v4.new_markdown_cell("Now the exercise."),
        nbformat.v4.new_code_cell(RAISING_ADD),
        nbformat.v4.new_code_cell("check('demo.add')"),
    ]
    path = folder / "positions.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    # What JupyterLab tells the kernel it starts for a notebook; the kernel inherits it.
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    client = NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    verdict = "".join(
        output["data"]["text/plain"] for output in notebook.cells[-1].outputs if "data" in output
    )
    assert notebook.cells[5].execution_count == 3  # the count is not the position
    assert "It was raised at line 3 of cell 6, your demo.add cell." in " ".join(verdict.split())
