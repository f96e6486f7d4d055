"""Benchmark: the costs of grading v2 (a judge outside, an observer in a sandbox).

Prints medians of: starting a sandbox and loading a small submission; one call round
trip (judge → sandboxed learner code → judge); a 100-example hypothesis property run on
the trusted side, one call per example; a whole `judge_lesson` of the fixture course's
reference (a judge process, three sandboxes, one mypy and one ruff run); and, for
comparison, a plain unsandboxed subprocess start.

Usage:
    python benchmarks/bench_v2.py [--runs 10]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from zendo._extract import extract_from_notebook
from zendo._limits import Limits
from zendo.judge import Learner, expect, hypothesis_settings
from zendo.judge.runner import judge_lesson
from zendo.judge.sandbox import Isolation, Sandbox, choose_isolation

REPO = Path(__file__).resolve().parents[1]
COURSE_V2 = REPO / "tests" / "fixtures" / "course_v2"
SOURCE = (
    "def split(total, count):\n"
    "    share, extra = divmod(total, count)\n"
    "    return [share + 1] * extra + [share] * (count - extra)\n"
)


def report(name: str, times: list[float], unit: str = "ms", scale: float = 1000) -> None:
    ordered = sorted(times)
    print(
        f"{name:<58} median {statistics.median(ordered) * scale:8.2f} {unit}  "
        f"min {ordered[0] * scale:8.2f}  max {ordered[-1] * scale:8.2f}  (n={len(ordered)})"
    )


def started(isolation: Isolation) -> Learner:
    learner = Learner(Sandbox("calc_split", SOURCE, isolation=isolation), budget_seconds=30)
    learner.start()
    return learner


def time_it(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    isolation = choose_isolation()

    def start_and_close(kind: Isolation) -> None:
        started(kind).close()

    report(
        f"sandbox start + load ({isolation.value})",
        time_it(lambda: start_and_close(isolation), runs),
    )
    report(
        "plain subprocess start + load (no sandbox)",
        time_it(lambda: start_and_close(Isolation.NONE), runs),
    )

    learner = started(isolation)
    calls = time_it(lambda: learner.call("split", 100, 3).value, runs * 100)
    report("one call round trip", calls, "µs", 1_000_000)

    @hypothesis_settings("standard")
    @given(total=st.integers(0, 10**6), count=st.integers(1, 60))
    def prop(total: int, count: int) -> None:
        expect(sum(learner.call("split", total, count).value) == total, "lost a unit")

    report("100-example property, one call per example", time_it(prop, runs))
    learner.close()

    ids = ["calc.split", "calc.money", "calc.typed"]
    sources = extract_from_notebook(COURSE_V2 / "solutions" / "01_calc.ipynb", ids)
    grader = COURSE_V2 / "tests" / "graders" / "test_01_calc.py"
    whole = time_it(
        lambda: judge_lesson([grader], sources, dict.fromkeys(ids, 10.0), Limits()),
        max(3, runs // 3),
    )
    report("judge_lesson, fixture reference (3 exercises, mypy, ruff)", whole, "s", 1)


if __name__ == "__main__":
    main()
