"""Benchmark: cold `zendo check` of one exercise, and grading a whole money submission.

Prints the median and spread of whole-process wall-clock times. Targets (DESIGN.md):
cold `zendo check EXERCISE` median ≤ 1 s on a 2-core machine.

Usage:
    python benchmarks/bench_check.py [--runs 10]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def measure(command: Sequence[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    print(
        f"{name:<48} median {statistics.median(ordered):.3f} s  "
        f"min {ordered[0]:.3f} s  max {ordered[-1]:.3f} s  "
        f"stdev {statistics.pstdev(ordered):.3f} s  (n={len(ordered)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10)
    arguments = parser.parse_args()
    zendo = shutil.which("zendo") or str(REPO / ".venv" / "bin" / "zendo")
    solution = str(REPO / "solutions" / "05_money.ipynb")
    measure([zendo, "list"], 1)  # warm the file cache; not reported
    report(
        "cold `zendo check money.split` (solved)",
        measure([zendo, "check", "money.split", "--notebook", solution], arguments.runs),
    )
    report(
        "cold `zendo check money.split` (starter)",
        measure([zendo, "check", "money.split"], arguments.runs),
    )
    report(
        "`zendo grade` one whole money submission",
        measure([zendo, "grade", solution], max(3, arguments.runs // 2)),
    )


if __name__ == "__main__":
    main()
