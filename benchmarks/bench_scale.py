"""Benchmark: the cost of `zendo grade` as the batch grows (issue 12, item 4).

Grades 1, 10, 100 and 1,000 generated copies of the anchor submissions
(`benchmarks/anchor/submissions/`, good and bad in turn, one learner folder each) with
`zendo grade --jobs 1` and `--jobs 2`, the way an instructor runs it (with
`--gradebook`), and prints a table: the whole command's time, the time per submission,
the peak memory (ru_maxrss) of the engine process itself and, separately, of the
largest of its child processes (the warm grading servers and the grading children they
fork), and what the gradebook writes cost.

Each finished result is appended to the batch's journal (`zendo._journal`), and the
gradebook (JSON and CSV) is written once, at the end, from the journal: this times each
append (which must not grow with the results before it) and the final write, and prints
the share of the whole command spent writing.

The engine runs as `zendo` does (its click entry point, `zendo.cli:main`), in a child
process started from this script with `--as-engine`, which only wraps the journal's
append and the gradebook writer with a timer and writes the timings and the process's
resource usage to a file when the command ends. Nothing is asserted; figures are
printed.

Usage:
    python benchmarks/bench_scale.py [--counts 1 10 100 1000] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from engine_state import engine_state  # benchmarks/ is on sys.path when run

REPO = Path(__file__).resolve().parents[1]
ANCHOR = REPO / "benchmarks" / "anchor"
SUBMISSIONS = {kind: ANCHOR / "submissions" / f"{kind}.ipynb" for kind in ("good", "bad")}


def timed(events: list[tuple[str, int, float]], name: str, size: Any, call: Any) -> Any:
    """Wrap `call` so each use appends (name, size of its input, seconds) to `events`."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            events.append((name, size(*args, **kwargs), time.perf_counter() - began))

    return wrapper


def as_engine(out: Path, arguments: list[str]) -> None:
    """Run `zendo ARGUMENTS` in this process with timed gradebook writes; save the figures."""
    import zendo._journal
    from zendo.cli import main

    events: list[tuple[str, int, float]] = []
    journal = zendo._journal.Journal
    journal.add = timed(  # type: ignore[method-assign]
        events, "append", lambda self, result: len(self), journal.add
    )
    zendo._journal.write_gradebook_from = timed(
        events, "write", lambda path, journal: len(journal), zendo._journal.write_gradebook_from
    )
    began = time.perf_counter()
    code: object = 0
    try:
        sys.argv = ["zendo", *arguments]
        main()
    except SystemExit as stop:
        code = stop.code
    seconds = time.perf_counter() - began
    itself = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = {
        "exit": code,
        "inside": seconds,
        "engine_maxrss_kb": itself.ru_maxrss,
        "children_maxrss_kb": children.ru_maxrss,
        "engine_cpu": itself.ru_utime + itself.ru_stime,
        "children_cpu": children.ru_utime + children.ru_stime,
        "appends": [(size, seconds) for name, size, seconds in events if name == "append"],
        "writes": [(size, seconds) for name, size, seconds in events if name == "write"],
    }
    out.write_text(json.dumps(figures), encoding="utf-8")


def make_copies(folder: Path, count: int) -> None:
    """`count` learner folders, good and bad in turn, each with its 01_anchor.ipynb."""
    for number in range(count):
        learner = folder / f"learner{number:04d}"
        learner.mkdir(parents=True)
        kind = "good" if number % 2 == 0 else "bad"
        shutil.copyfile(SUBMISSIONS[kind], learner / "01_anchor.ipynb")


def run_batch(folder: Path, jobs: int, scratch: Path) -> dict[str, Any]:
    gradebook = scratch / f"gradebook-{jobs}.json"
    for stale in (gradebook, gradebook.with_suffix(".csv")):
        stale.unlink(missing_ok=True)
    out = scratch / "figures.json"
    command = [
        sys.executable, __file__, "--as-engine", str(out), "--",
        "--course", str(ANCHOR), "grade", str(folder), "--jobs", str(jobs),
        "--gradebook", str(gradebook),
    ]  # fmt: skip
    began = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    figures: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    figures["seconds"] = time.perf_counter() - began  # the whole command, start-up included
    figures["gradebook_bytes"] = (
        gradebook.stat().st_size + gradebook.with_suffix(".csv").stat().st_size
    )
    if figures["exit"] not in (0, 1):
        raise SystemExit(f"zendo grade exited {figures['exit']} for {folder}: see its output.")
    return figures


def append_cost(figures: dict[str, Any], first: int, last: int) -> float:
    """Median seconds of one journal append made with `first` to `last` results before it:
    the median, so that one slow write on a busy machine does not count."""
    costs = [seconds for n, seconds in figures["appends"] if first <= n <= last]
    return statistics.median(costs) if costs else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    arguments = parser.parse_args()
    print(engine_state())
    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, {os.cpu_count()} CPUs")
    rows = []
    with tempfile.TemporaryDirectory(prefix="zendo-scale-") as scratch_name:
        scratch = Path(scratch_name)
        for count in arguments.counts:
            folder = scratch / f"copies-{count}"
            make_copies(folder, count)
            for jobs in arguments.jobs:
                figures = run_batch(folder, jobs, scratch)
                rows.append((count, jobs, figures))
                print(
                    f"  graded {count} with --jobs {jobs}: {figures['seconds']:.1f} s",
                    file=sys.stderr,
                )
    print()
    print(
        "| submissions | jobs | whole command | per submission | engine peak | "
        "largest child peak | one journal append | final gradebook write (its size) | "
        "writes' share |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count, jobs, figures in rows:
        appends = sum(seconds for _, seconds in figures["appends"])
        final = sum(seconds for _, seconds in figures["writes"])
        print(
            f"| {count} | {jobs} | {figures['seconds']:.2f} s | "
            f"{1000 * figures['seconds'] / count:.0f} ms | "
            f"{figures['engine_maxrss_kb'] / 1024:.0f} MB | "
            f"{figures['children_maxrss_kb'] / 1024:.0f} MB | "
            f"{1000 * append_cost(figures, 0, count):.2f} ms | "
            f"{1000 * final:.0f} ms ({figures['gradebook_bytes'] / 1e6:.2f} MB) | "
            f"{100 * (appends + final) / figures['seconds']:.1f}% |"
        )
    count, jobs, figures = max(rows, key=lambda row: (row[0], -row[1]))
    print()
    print(f"Journal appends as the batch grows ({count} submissions, --jobs {jobs}):")
    print("| results before it | one append (median) |")
    print("|---:|---:|")
    for first, last in dict.fromkeys(((0, 9), (90, 109), (490, 509), (count - 10, count - 1))):
        if last < count:
            print(f"| {first} to {last} | {1000 * append_cost(figures, first, last):.2f} ms |")
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--as-engine":
        as_engine(Path(sys.argv[2]), sys.argv[4:])
    else:
        main()
