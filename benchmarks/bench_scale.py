"""Benchmark: the cost of `zendo grade` as the batch grows (issue 12, item 4).

Grades 1, 10, 100 and 1,000 generated copies of the anchor submissions
(`benchmarks/anchor/submissions/`, good and bad in turn, one learner folder each) with
`zendo grade --jobs 1` and `--jobs 2`, the way an instructor runs it (with
`--gradebook`), and prints a table: the whole command's time, the time per submission,
the peak memory (ru_maxrss) of the engine process itself and, separately, of the
largest of its child processes (the warm grading servers and the grading children they
fork), and what the gradebook writes cost.

The gradebook (JSON and CSV) is rewritten after every finished submission, with every
result so far: this measures each of those writes (building the report, rendering,
writing) as the gradebook grows, and prints the cost of one write at each size and the
share of the whole command spent writing. A cost per write that grows with the number
of submissions makes the batch's total write cost quadratic.

The engine runs as `zendo` does (its click entry point, `zendo.cli:main`), in a child
process started from this script with `--as-engine`, which only wraps the gradebook
writer and the report builder with a timer and writes the timings and the process's
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
    import zendo._cli_instructor
    import zendo._grade
    from zendo.cli import main

    events: list[tuple[str, int, float]] = []
    grade_command = vars(zendo._cli_instructor)  # the grade command looks its writer up here
    grade_command["write_gradebook"] = timed(
        events,
        "write",
        lambda path, report: len(report.submissions),
        grade_command["write_gradebook"],
    )
    zendo._grade.make_report = timed(
        events, "report", lambda course, submissions: len(submissions), zendo._grade.make_report
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
        "saves": saves(events),
    }
    out.write_text(json.dumps(figures), encoding="utf-8")


def saves(events: list[tuple[str, int, float]]) -> list[tuple[int, float]]:
    """Each gradebook save: (results in it, seconds), the write plus the report built for it."""
    found = []
    for number, (name, size, seconds) in enumerate(events):
        if name == "write":
            before = events[number - 1] if number else ("", 0, 0.0)
            report = before[2] if before[0] == "report" and before[1] == size else 0.0
            found.append((size, seconds + report))
    return found


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


def save_cost(figures: dict[str, Any], size: int) -> float:
    """Seconds of one gradebook save holding about `size` results: the median of the saves
    of the last tenth up to `size`, so that one slow write on a busy machine does not count."""
    costs = [seconds for n, seconds in figures["saves"] if 0.9 * size < n <= size]
    return statistics.median(costs) if costs else float("nan")


def growth(figures: dict[str, Any]) -> tuple[float, float]:
    """A least-squares line through the saves: (fixed seconds, seconds per result held)."""
    sizes = [float(n) for n, _ in figures["saves"]]
    costs = [seconds for _, seconds in figures["saves"]]
    if len(set(sizes)) < 2:
        return (costs[0] if costs else float("nan"), 0.0)
    slope, intercept = statistics.linear_regression(sizes, costs)
    return intercept, slope


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
        "| submissions | jobs | whole command | per submission | same, saves excluded | "
        "engine peak | "
        "largest child peak | one gradebook save at the end (its size) | saves' share |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count, jobs, figures in rows:
        write_total = sum(seconds for _, seconds in figures["saves"])
        # With several workers the saves overlap grading, so taking them away means nothing.
        without_saves = (
            f"{1000 * (figures['seconds'] - write_total) / count:.0f} ms" if jobs == 1 else "-"
        )
        print(
            f"| {count} | {jobs} | {figures['seconds']:.2f} s | "
            f"{1000 * figures['seconds'] / count:.0f} ms | "
            f"{without_saves} | "
            f"{figures['engine_maxrss_kb'] / 1024:.0f} MB | "
            f"{figures['children_maxrss_kb'] / 1024:.0f} MB | "
            f"{1000 * save_cost(figures, count):.1f} ms "
            f"({figures['gradebook_bytes'] / 1e6:.2f} MB) | "
            f"{100 * write_total / figures['seconds']:.0f}% |"
        )
    largest = max(rows, key=lambda row: (row[0], -row[1]))
    count, jobs, figures = largest
    fixed, per_result = growth(figures)
    saves = len(figures["saves"])
    print()
    print(f"Gradebook saves as the gradebook grows ({count} submissions, --jobs {jobs}):")
    print("| results held | one save (report + JSON + CSV) | all saves so far |")
    print("|---:|---:|---:|")
    running = 0.0
    marks = {mark for mark in (1, 10, 100, 250, 500, 750, 1000, count) if mark <= count}
    for n, seconds in figures["saves"]:
        running += seconds
        if n in marks:
            print(f"| {n} | {1000 * save_cost(figures, n):.1f} ms | {running:.2f} s |")
    print(
        f"Fitted: one save = {1000 * fixed:.1f} ms + {1000 * 1000 * per_result:.1f} ms per "
        f"1,000 results held, so {saves} saves cost {saves * fixed:.1f} s fixed + "
        f"{per_result * saves * (saves + 1) / 2:.1f} s growing with the square of the batch."
    )
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 3 and sys.argv[1] == "--as-engine":
        as_engine(Path(sys.argv[2]), sys.argv[4:])
    else:
        main()
