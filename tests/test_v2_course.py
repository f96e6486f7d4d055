"""The v2 judge on the fixture course `course_v2`: the proofs every lesson owes.

References pass, untouched starters fail (a fail, never a harness error), every known
wrong answer is caught by the test it names with the hint it names, and the same code
gets the same outcomes on every run. Grading goes through `judge_lesson`, the entry
point the engine uses: a trusted judge process, one sandbox per exercise.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from zendo._course import load_course
from zendo._extract import extract_from_notebook
from zendo._limits import Limits
from zendo.judge.lesson import JudgeRun, judge_lesson

COURSE_V2 = Path(__file__).parent / "fixtures" / "course_v2"
WRONG = COURSE_V2 / "tests" / "graders" / "wrong"
IDS = ["calc.split", "calc.money", "calc.typed"]


@pytest.fixture(scope="module")
def course_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("course-v2") / "course"
    shutil.copytree(COURSE_V2, root)
    return root


def grade_notebook(course_root: Path, notebook: Path, ids: list[str]) -> JudgeRun:
    course = load_course(course_root)
    sources = extract_from_notebook(notebook, ids)
    timeouts = {exercise.id: exercise.timeout_seconds for exercise in course.exercises}
    grader = course_root / "tests" / "graders" / "test_01_calc.py"
    return judge_lesson([grader], sources, {i: timeouts[i] for i in sources}, Limits())


def grade_cells(course_root: Path, cells: Mapping[str, str], target: Path) -> JudgeRun:
    """Grade the reference notebook with some exercise cells replaced."""
    notebook = replace_cells(course_root / "solutions" / "01_calc.ipynb", cells, target)
    return grade_notebook(course_root, notebook, list(cells))


def statuses(run: JudgeRun) -> dict[str, str]:
    return {outcome.test: outcome.status.value for outcome in run.outcomes}


def test_the_fixture_course_loads_and_every_exercise_has_graders(course_root: Path) -> None:
    course = load_course(course_root)
    assert [exercise.id for exercise in course.exercises] == IDS
    run = grade_notebook(course_root, course_root / "solutions" / "01_calc.ipynb", IDS)
    assert set(run.collected) == set(IDS)
    assert all(run.collected[exercise_id] for exercise_id in IDS)


def test_references_pass(course_root: Path) -> None:
    run = grade_notebook(course_root, course_root / "solutions" / "01_calc.ipynb", IDS)
    assert run.fate == "finished", run.detail
    assert len(run.outcomes) == sum(len(tests) for tests in run.collected.values()) == 8
    assert set(statuses(run).values()) == {"pass"}, [o for o in run.outcomes if o.status != "pass"]
    assert "Passes mypy --strict" in {outcome.title for outcome in run.outcomes}


NOT_DONE = (
    "calc.split is not done yet: your code still raises NotImplementedError. Replace the "
    "`raise NotImplementedError` line with your solution."
)


def test_untouched_starters_fail_and_never_error(course_root: Path) -> None:
    run = grade_notebook(course_root, course_root / "exercises" / "01_calc.ipynb", IDS)
    assert run.fate == "finished", run.detail
    assert set(statuses(run).values()) == {"fail"}
    split = next(o for o in run.outcomes if o.test == "test_split_fixed_cases")
    assert split.message == NOT_DONE
    # One message for every check of the exercise, so a verdict says its cause once.
    assert {o.message for o in run.outcomes if o.exercise_id == "calc.split"} == {NOT_DONE}


def wrong_answers() -> list[Path]:
    return sorted(WRONG.glob("*/*.py"))


def header(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# ") or ":" not in line:
            break
        key, _, value = line[2:].partition(":")
        fields[key.strip()] = value.strip()
    return fields


@pytest.mark.parametrize("path", wrong_answers(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_wrong_answer_is_caught_with_its_hint(
    course_root: Path, path: Path, tmp_path: Path
) -> None:
    fields = header(path)
    exercise_id = fields["exercise"]
    run = grade_cells(
        course_root, {exercise_id: path.read_text(encoding="utf-8")}, tmp_path / "sub.ipynb"
    )
    assert run.fate == "finished", run.detail
    caught = next(o for o in run.outcomes if o.test == fields["caught-by"])
    assert caught.status.value == "fail", caught
    assert caught.hint_id == fields["hint"], caught
    assert caught.message


def test_the_same_wrong_answer_gets_the_same_outcomes_every_run(
    course_root: Path, tmp_path: Path
) -> None:
    # Found only by the property (count above 50): the search must be the same each time.
    cell = (WRONG / "calc.split" / "wrong_for_big_groups.py").read_text(encoding="utf-8")
    runs = [
        grade_cells(course_root, {"calc.split": cell}, tmp_path / f"sub{n}.ipynb") for n in range(3)
    ]
    seen = [[(o.test, o.status, o.message, o.hint_id) for o in run.outcomes] for run in runs]
    assert seen[0] == seen[1] == seen[2]
    assert ("test_split_fixed_cases", "pass") in {(t, s.value) for t, s, _, _ in seen[0]}


def test_zendo_check_picks_the_v2_judge_for_a_lesson_that_declares_it(
    course_root: Path, tmp_path: Path
) -> None:
    assert load_course(course_root).lessons[0].data.grader_api == 2
    zendo = Path(sys.executable).with_name("zendo")
    command = [str(zendo), "--course", str(course_root), "check", "calc", "--format", "json"]
    solved = subprocess.run(
        [*command, "--notebook", str(course_root / "solutions" / "01_calc.ipynb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert solved.returncode == 0, solved.stdout + solved.stderr
    starter = subprocess.run(command, capture_output=True, text=True, check=False)
    assert starter.returncode == 1, starter.stdout + starter.stderr
    report = json.loads(starter.stdout)
    exercises = report["submissions"][0]["exercises"]
    assert [(e["id"], e["status"], e["points"]) for e in exercises] == [
        ("calc.split", "fail", 0.0),
        ("calc.money", "fail", 0.0),
        ("calc.typed", "fail", 0.0),
    ]
    first = exercises[0]["tests"][0]
    assert first["message"] == NOT_DONE


def test_before_tests_functions_run_once_for_their_exercises_and_never_decide(
    tmp_path: Path,
) -> None:
    root = tmp_path / "course"
    shutil.copytree(COURSE_V2, root)
    grader = root / "tests" / "graders" / "test_01_calc.py"
    calls = tmp_path / "before-tests.log"
    grader.write_text(
        grader.read_text()
        + f"""

@before_tests("calc.split")
def record_split(submitted: Submitted) -> None:
    with open({str(calls)!r}, "a") as file:
        file.write(submitted.exercise_id + "\\n")


@before_tests("calc.money")
def break_early(submitted: Submitted) -> None:
    raise RuntimeError("a before_tests function that fails is only logged")
"""
    )
    run = grade_notebook(root, root / "solutions" / "01_calc.ipynb", ["calc.split", "calc.money"])
    assert run.fate == "finished", run.detail
    assert set(statuses(run).values()) == {"pass"}
    assert calls.read_text() == "calc.split\n"  # once, and not for calc.typed (not graded)
