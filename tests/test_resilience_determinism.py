"""No resilience verdict depends on luck: the same answer gets the same verdict every run.

The resilience graders are the course's only ones with real timeouts, threads racing on
SQLite and a server in a thread, so issue 14 asks for proof that their gates never
flip. Each answer is loaded once into a real sandbox with its real gateway, and the
grader tests run against it again and again in this process, exactly as the judge runs
them (the same functions, fixtures replaced by the one `learner`):

- every reference solution: all of its exercise's tests, each run must pass;
- every known wrong answer: the test its header names, each run must fail with its hint.

Repeating inside one sandbox is harsher than fresh sandboxes: state piles up (the
gateway's threads, the served app; each store scenario gets a new SQLite file anyway).
The number of runs is `ZENDO_RESILIENCE_RUNS`: 100 by default, the issue's proof, run by
`make test` (about 80 s for this file on one of two workers, load 2, 2026-11-27); set it
lower for a quick local run.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, replace_cells
from tests.test_course import WRONG_ANSWERS, WrongAnswer
from zendo._course import load_course
from zendo._extract import extract_from_notebook, module_name
from zendo.judge import Learner, LearnerFailure
from zendo.judge.sandbox import Sandbox, choose_isolation

RUNS = int(os.environ.get("ZENDO_RESILIENCE_RUNS", "100"))
GRADERS = REPO / "tests" / "graders" / "07_resilience"
MODULES = {
    "resilience.charge": "test_resilience_charge",
    "resilience.retry_after": "test_resilience_retry_after",
    "resilience.idempotency_store": "test_resilience_store",
    "resilience.endpoint": "test_resilience_endpoint",
}
COURSE = load_course(REPO)
SOLUTIONS = COURSE.lesson_of(COURSE.exercise("resilience.charge")).notebook_path(REPO, "solutions")
RESILIENCE_WRONG = [w for w in WRONG_ANSWERS if w.exercise_id in MODULES]

GraderTest = Callable[[Learner], None]


def grader_tests(exercise_id: str, config: pytest.Config) -> dict[str, GraderTest]:
    """The grader test functions of one exercise, imported as the judge imports them."""
    # The judge's plugin registers the `exercise` mark; here this run must know it too.
    config.addinivalue_line("markers", "exercise(id, weight, title): a grader test")
    if str(GRADERS) not in sys.path:
        sys.path.insert(0, str(GRADERS))
    module = importlib.import_module(MODULES[exercise_id])
    return {
        name: function
        for name, function in vars(module).items()
        if name.startswith("test_") and callable(function)
    }


def verdict(test: GraderTest, learner: Learner) -> tuple[str, str | None]:
    try:
        test(learner)
    except LearnerFailure as failure:
        return "fail", failure.hint
    return "pass", None


@pytest.fixture
def sandboxed(tmp_path: Path) -> Iterator[Callable[[str, str | None], Learner]]:
    started: list[Learner] = []

    def start(exercise_id: str, cell: str | None) -> Learner:
        notebook = SOLUTIONS
        if cell is not None:
            notebook = replace_cells(SOLUTIONS, {exercise_id: cell}, tmp_path / "answer.ipynb")
        source = extract_from_notebook(notebook, [exercise_id])[exercise_id].source
        sandbox = Sandbox(module_name(exercise_id), source, isolation=choose_isolation())
        learner = Learner(sandbox=sandbox, budget_seconds=60.0 + 5.0 * RUNS)
        started.append(learner)
        learner.start()
        return learner

    yield start
    for learner in started:
        learner.close()


@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", list(MODULES))
def test_the_reference_passes_every_run(
    exercise_id: str, sandboxed: Callable[[str, str | None], Learner], pytestconfig: pytest.Config
) -> None:
    learner = sandboxed(exercise_id, None)
    tests = grader_tests(exercise_id, pytestconfig)
    seen: dict[str, set[tuple[str, str | None]]] = {name: set() for name in tests}
    for _ in range(RUNS):
        for name, test in tests.items():
            seen[name].add(verdict(test, learner))
    assert seen == {name: {("pass", None)} for name in tests}


@pytest.mark.slow
@pytest.mark.parametrize(
    "wrong", RESILIENCE_WRONG, ids=[f"{w.exercise_id}/{w.path.stem}" for w in RESILIENCE_WRONG]
)
def test_a_wrong_answer_is_caught_every_run(
    wrong: WrongAnswer, sandboxed: Callable[[str, str | None], Learner], pytestconfig: pytest.Config
) -> None:
    learner = sandboxed(wrong.exercise_id, wrong.source)
    test = grader_tests(wrong.exercise_id, pytestconfig)[wrong.caught_by]
    seen = set()
    for _ in range(RUNS):
        seen.add(verdict(test, learner))
    assert seen == {("fail", wrong.hint)}
