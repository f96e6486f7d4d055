"""A judge runs a test that needs none of pytest's per-test plugins the short way
(`judge/protocol.py`): every outcome must be the one pytest's whole protocol gives.

Each test of the grader below has a twin that also asks for `tmp_path`, a fixture whose
plugin takes part in each phase, so that the twin runs pytest's whole protocol. A real
judge grades real sandboxed code; each pair must end the same, and the first pair shows
which way each of the two ran (only pytest's own names the running test in
`PYTEST_CURRENT_TEST`).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from zendo._extract import ExerciseSource
from zendo._limits import Limits
from zendo.judge.lesson import JudgeRun, judge_lesson

PAIRS = textwrap.dedent(
    """\
    import os

    import pytest

    from zendo.judge import Learner, Submitted, exercise, expect, fail


    def protocol() -> str:  # pytest names the running test there (the suite's own may be inherited)
        running = os.environ.get("PYTEST_CURRENT_TEST", "")
        return "pytest's" if "::test_which" in running else "short"


    BODIES = {
        "which": lambda learner: fail(f"ran {protocol()}"),
        "passes": lambda learner: expect(learner.call("twice", 2).value == 4, "no"),
        "fails": lambda learner: expect(learner.call("twice", 3).value == 7, "3 -> 6, not 7",
                                        hint="double"),
        "learner_raises": lambda learner: learner.call("twice", None).value,
        "grader_breaks": lambda learner: {}["missing"],
        "skips": lambda learner: pytest.skip("not today"),
        "xfails": lambda learner: pytest.xfail("known"),
        "group": lambda learner: (_ for _ in ()).throw(
            ExceptionGroup("two", [ValueError("a"), KeyError("b")])),
        "group_of_skips": lambda learner: (_ for _ in ()).throw(
            BaseExceptionGroup("skips", [pytest.skip.Exception("s")])),
    }

    for name, body in BODIES.items():
        def lean(learner: Learner, body=body) -> None:
            body(learner)

        def full(learner: Learner, tmp_path, body=body) -> None:
            body(learner)

        globals()[f"test_{name}"] = exercise("demo.twice", title=name)(lean)
        globals()[f"test_{name}_full"] = exercise("demo.twice", title=name)(full)


    @exercise("demo.twice", title="env")
    def test_patches(learner: Learner, monkeypatch) -> None:
        monkeypatch.setenv("ZENDO_LEAN_PROBE", "1")
        fail("patched")


    @exercise("demo.twice", title="env undone")
    def test_patch_undone(learner: Learner) -> None:
        fail("still patched" if "ZENDO_LEAN_PROBE" in os.environ else "undone")


    @exercise("demo.twice", title="source")
    def test_source(submitted: Submitted) -> None:
        fail(f"{len(submitted.source.splitlines())} lines")


    @exercise("demo.twice", title="source")
    def test_source_full(submitted: Submitted, tmp_path) -> None:
        fail(f"{len(submitted.source.splitlines())} lines")


    @exercise("demo.broken", title="broken")
    def test_broken(learner: Learner) -> None:
        learner.call("twice", 1)


    @exercise("demo.broken", title="broken")
    def test_broken_full(learner: Learner, tmp_path) -> None:
        learner.call("twice", 1)
    """
)
TWICE = "def twice(n):\n    return n * 2\n"
BROKEN = "raise RuntimeError('no import for you')\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> JudgeRun:
    folder = tmp_path_factory.mktemp("lean")
    grader = folder / "test_lean.py"
    grader.write_text(PAIRS, encoding="utf-8")
    sources = {
        "demo.twice": ExerciseSource("demo.twice", TWICE, 1, 1),
        "demo.broken": ExerciseSource("demo.broken", BROKEN, 1, 2),
    }
    return judge_lesson([Path(grader)], sources, dict.fromkeys(sources, 10.0), Limits())


def _outcomes(run: JudgeRun) -> dict[str, tuple[object, ...]]:
    """Each test's outcome; a grader's traceback names the twin's own function and line."""
    return {
        outcome.test: (
            outcome.status.value,
            re.sub(r"line \d+, in (lean|full)\b", "line N, in TWIN", outcome.message),
            outcome.hint_id,
            outcome.title,
        )
        for outcome in run.outcomes
    }


def test_a_judges_only_fixtures_test_runs_the_short_way_its_twin_pytests(run: JudgeRun) -> None:
    outcomes = _outcomes(run)
    assert outcomes["test_which"][1] == "ran short"
    assert outcomes["test_which_full"][1] == "ran pytest's"


@pytest.mark.parametrize(
    "name",
    ["passes", "fails", "learner_raises", "grader_breaks", "skips", "xfails", "group",
     "group_of_skips", "source", "broken"],
)  # fmt: skip
def test_each_outcome_is_the_one_pytests_whole_protocol_gives(run: JudgeRun, name: str) -> None:
    assert run.fate == "finished", run.detail
    outcomes = _outcomes(run)
    assert outcomes[f"test_{name}"] == outcomes[f"test_{name}_full"]


def test_the_outcomes_are_the_expected_ones(run: JudgeRun) -> None:
    outcomes = _outcomes(run)
    statuses = {name: outcome[0] for name, outcome in outcomes.items()}
    assert statuses["test_passes"] == "pass"
    assert outcomes["test_fails"][:3] == ("fail", "3 -> 6, not 7", "double")
    assert statuses["test_learner_raises"] == "fail"  # None * 2 raised in the learner's code
    assert statuses["test_grader_breaks"] == "error"  # the grader's own bug, not a verdict
    assert statuses["test_broken"] == "error"  # no module to call: setup failed
    assert statuses["test_group"] == "error"


def test_monkeypatch_is_undone_before_the_next_test(run: JudgeRun) -> None:
    outcomes = _outcomes(run)
    assert outcomes["test_patches"][1] == "patched"
    assert outcomes["test_patch_undone"][1] == "undone"
