"""No transactions gate depends on luck: the same answer gets the same verdict every run.

Issue 14 asks for proof that the gates (the rival writer, the frozen-account and
ledger-offline triggers, the settings read back, the compiled lock order, the
PostgreSQL row lock) give one verdict on 100 runs in a row. Each answer is loaded once
into a real sandbox, and the grader tests run against it again and again in this
process, exactly as the judge runs them (the same functions, fixtures replaced by the
one `learner`):

- every reference solution: each test that gates a known wrong answer, each run must pass;
- every known wrong answer: the test its header names, each run must fail with its hint.

Left out, on purpose: `test_async_cell_passes_mypy_strict` for the reference (mypy is
deterministic, and 100 runs of it over SQLAlchemy cost minutes; `legacy_sessionmaker`,
which it gates, is still repeated, as it fails before mypy runs), and the stress run
(`test_stress_keeps_every_balance`), which issue 14 and the statement call a supporting
check, not a gate: a wrong answer there is usually caught, not always.

The number of runs is `ZENDO_TRANSACTIONS_RUNS`: 100 by default, the issue's proof, run
by `make test` (about 30 s for this file with PostgreSQL, load 2, 2026-11-27); set it
lower for a quick local run. With a PostgreSQL server (tests/postgres_cluster.py) the
async gates run on both databases every time.
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
from zendo.judge import Learner, LearnerFailure, Submitted
from zendo.judge.sandbox import Sandbox, choose_isolation

RUNS = int(os.environ.get("ZENDO_TRANSACTIONS_RUNS", "100"))
GRADERS = REPO / "tests" / "graders" / "06_transactions"
MODULES = {
    "transactions.transfer": "test_transactions_transfer",
    "transactions.stress": "test_transactions_stress",
    "transactions.ledger": "test_transactions_ledger",
    "transactions.async_transfer": "test_transactions_async_transfer",
}
NOT_GATES = {"test_stress_keeps_every_balance"}
NOT_REPEATED_FOR_THE_REFERENCE = {"test_async_cell_passes_mypy_strict"}
COURSE = load_course(REPO)
SOLUTIONS = COURSE.lesson_of(COURSE.exercise("transactions.transfer")).notebook_path(
    REPO, "solutions"
)
GATED = [w for w in WRONG_ANSWERS if w.exercise_id in MODULES and w.caught_by not in NOT_GATES]
GATES = {
    exercise_id: sorted({w.caught_by for w in GATED if w.exercise_id == exercise_id})
    for exercise_id in MODULES
}

GraderTest = Callable[..., None]


def grader_tests(exercise_id: str, config: pytest.Config) -> dict[str, GraderTest]:
    """The grader test functions of one exercise, imported as the judge imports them."""
    config.addinivalue_line("markers", "exercise(id, weight, title): a grader test")
    if str(GRADERS) not in sys.path:
        sys.path.insert(0, str(GRADERS))
    module = importlib.import_module(MODULES[exercise_id])
    return {
        name: function
        for name, function in vars(module).items()
        if name.startswith("test_") and callable(function)
    }


def verdict(test: GraderTest, learner: Learner, submitted: Submitted) -> tuple[str, str | None]:
    try:
        if "submitted" in test.__code__.co_varnames[: test.__code__.co_argcount]:
            test(learner, submitted)
        else:
            test(learner)
    except LearnerFailure as failure:
        return "fail", failure.hint
    return "pass", None


Start = Callable[[str, str | None], tuple[Learner, Submitted]]


@pytest.fixture
def sandboxed(tmp_path: Path) -> Iterator[Start]:
    started: list[Learner] = []

    def start(exercise_id: str, cell: str | None) -> tuple[Learner, Submitted]:
        notebook = SOLUTIONS
        if cell is not None:
            notebook = replace_cells(SOLUTIONS, {exercise_id: cell}, tmp_path / "answer.ipynb")
        extracted = extract_from_notebook(notebook, [exercise_id])[exercise_id]
        sandbox = Sandbox(module_name(exercise_id), extracted.source, isolation=choose_isolation())
        learner = Learner(
            sandbox=sandbox, budget_seconds=60.0 + 2.0 * RUNS, exercise_id=exercise_id
        )
        started.append(learner)
        learner.start()
        submitted = Submitted(
            exercise_id=exercise_id,
            module=module_name(exercise_id),
            source=extracted.source,
            cell_start_line=extracted.cell_start_line,
        )
        return learner, submitted

    yield start
    for learner in started:
        learner.close()


def fresh_files(learner: Learner) -> None:
    """Remove the bank files of the last run: each test makes its own, and they pile up."""
    for path in learner.sandbox.shared.glob("bank-*.db*"):
        path.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("exercise_id", [e for e in MODULES if GATES[e]])
def test_the_reference_passes_every_gate_every_run(
    exercise_id: str, sandboxed: Start, pytestconfig: pytest.Config
) -> None:
    learner, submitted = sandboxed(exercise_id, None)
    tests = grader_tests(exercise_id, pytestconfig)
    gates = [name for name in GATES[exercise_id] if name not in NOT_REPEATED_FOR_THE_REFERENCE]
    seen: dict[str, set[tuple[str, str | None]]] = {name: set() for name in gates}
    for _ in range(RUNS):
        fresh_files(learner)
        for name in gates:
            seen[name].add(verdict(tests[name], learner, submitted))
    assert seen == {name: {("pass", None)} for name in gates}


@pytest.mark.slow
@pytest.mark.parametrize("wrong", GATED, ids=[f"{w.exercise_id}/{w.path.stem}" for w in GATED])
def test_a_wrong_answer_is_caught_every_run(
    wrong: WrongAnswer, sandboxed: Start, pytestconfig: pytest.Config
) -> None:
    learner, submitted = sandboxed(wrong.exercise_id, wrong.source)
    test = grader_tests(wrong.exercise_id, pytestconfig)[wrong.caught_by]
    seen = set()
    for _ in range(RUNS):
        fresh_files(learner)
        seen.add(verdict(test, learner, submitted))
    assert seen == {("fail", wrong.hint)}
