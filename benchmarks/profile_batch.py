"""Profile: where a v2 batch submission's time goes, in CPU time (issue 12, item 2).

On a shared machine wall-clock times move with other people's work; CPU time moves much
less. This measures the CPU time of whole process trees (the engine, the judges, the
sandboxes and the learner processes inside them) with a cgroup-v1 `cpuacct` group per
run, which needs root and /sys/fs/cgroup/cpuacct; elsewhere it falls back to
getrusage, which misses the learner processes inside bubblewrap (said in the output).

It prints, each a median of `--rounds` runs:
- `zendo grade --jobs 1` of 1 and of N anchor submissions (good and bad in turn), with
  the batch judge (`zendo.judge.batch`, what `zendo grade` uses) and with the warm judge
  it replaced (a fork per submission that configures pytest and collects the graders
  again): the CPU per submission is the difference divided by N - 1;
- one sandbox's start, greeting, load of a small cell, one call and close (bubblewrap);
- one `mypy --strict` run of the money reference's value object cell, as the money
  graders run it (forked from a judge that has mypy imported);
- one money submission: `zendo grade` of 1 and of 3 money references.

Usage:
    python benchmarks/profile_batch.py [--submissions 20] [--rounds 3] [--no-money]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine_state import engine_state  # benchmarks/ is on sys.path when run

REPO = Path(__file__).resolve().parents[1]
ANCHOR = REPO / "benchmarks" / "anchor"
CPUACCT = Path("/sys/fs/cgroup/cpuacct")
# Runs one batch in this interpreter; with "warm", each worker gets the warm judge
# instead of the batch judge (what zendo grade used before the batch judge).
BATCH = """
import sys
from pathlib import Path
import zendo._batch as batch
from zendo._course import load_course
from zendo._forkserver import ForkServer
from zendo._limits import Limits
root, folder, judge = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if judge == "warm":
    batch._worker_server = ForkServer
course = load_course(root)
batch.grade_batch(course, batch.find_submissions([folder], course), jobs=1, limits=Limits())
"""
SANDBOX = """
import sys
from zendo.judge.client import Learner
from zendo.judge.sandbox import Sandbox, choose_isolation
isolation = choose_isolation()
for _ in range(int(sys.argv[1])):
    sandbox = Sandbox(module="probe", source="def f(x):\\n    return x\\n", isolation=isolation)
    learner = Learner(sandbox=sandbox, budget_seconds=30, exercise_id="probe.f")
    learner.start()
    learner.call("f", 1)
    learner.close()
"""
MYPY = """
import json, sys
from zendo.judge.runner import prepare_judge
prepare_judge()
from zendo.judge.mypy_graded import run_mypy_graded
source = sys.argv[2]
for _ in range(int(sys.argv[1])):
    run_mypy_graded({"money_value_object.py": source})
"""


def cpu_seconds(command: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process tree) of one command."""
    began = time.perf_counter()
    if os.geteuid() == 0 and (CPUACCT / "cpuacct.usage").exists():
        group = Path(tempfile.mkdtemp(prefix="zendo-profile-", dir=CPUACCT))
        try:
            wrapped = ["sh", "-c", f'echo $$ > {group}/cgroup.procs && exec "$@"', "sh"]
            subprocess.run([*wrapped, *command], capture_output=True, check=False)
            wall = time.perf_counter() - began
            time.sleep(0.2)  # let killed sandboxes finish leaving
            return wall, int((group / "cpuacct.usage").read_text()) / 1e9
        finally:
            for _ in range(50):
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
    before = os.times()
    subprocess.run(command, capture_output=True, check=False)
    after = os.times()
    used = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return time.perf_counter() - began, used


def median_cpu(command: list[str], rounds: int) -> tuple[float, float]:
    runs = [cpu_seconds(command) for _ in range(rounds)]
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def anchor_folder(scratch: Path, count: int) -> Path:
    folder = scratch / f"anchor-{count}"
    for number in range(count):
        kind = "good" if number % 2 == 0 else "bad"
        (folder / f"learner{number:03d}").mkdir(parents=True)
        shutil.copyfile(
            ANCHOR / "submissions" / f"{kind}.ipynb",
            folder / f"learner{number:03d}" / "01_anchor.ipynb",
        )
    return folder


def money_folder(scratch: Path, count: int) -> Path:
    folder = scratch / f"money-{count}"
    for number in range(count):
        (folder / f"learner{number:03d}").mkdir(parents=True)
        shutil.copyfile(
            REPO / "solutions" / "05_money.ipynb",
            folder / f"learner{number:03d}" / "05_money.ipynb",
        )
    return folder


def per_submission(one: tuple[float, float], many: tuple[float, float], count: int) -> str:
    wall = (many[0] - one[0]) / (count - 1)
    cpu = (many[1] - one[1]) / (count - 1)
    return f"{1000 * cpu:.0f} ms CPU, {1000 * wall:.0f} ms wall"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-money", action="store_true")
    arguments = parser.parse_args()
    python = sys.executable
    exact = os.geteuid() == 0 and (CPUACCT / "cpuacct.usage").exists()
    print(engine_state())
    print(
        "CPU of whole process trees (cpuacct)"
        if exact
        else "CPU by getrusage: learner processes inside bubblewrap are not counted"
    )
    print(f"load before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()}")
    count = arguments.submissions
    with tempfile.TemporaryDirectory(prefix="zendo-profile-") as scratch_name:
        scratch = Path(scratch_name)
        one, many = anchor_folder(scratch, 1), anchor_folder(scratch, count)
        print(f"\nAnchor submissions, zendo grade --jobs 1, median of {arguments.rounds}:")
        print(f"| judge | 1 submission | {count} submissions | per extra submission |")
        print("|---|---:|---:|---:|")
        for judge in ("batch", "warm"):
            results = []
            for folder in (one, many):
                command = [python, "-c", BATCH, str(ANCHOR), str(folder), judge]
                results.append(median_cpu(command, arguments.rounds))
            cells = [f"{w:.2f} s wall, {c:.2f} s CPU" for w, c in results]
            print(f"| {judge} | {cells[0]} | {cells[1]} | {per_submission(*results, count)} |")
        base = median_cpu([python, "-c", SANDBOX, "0"], arguments.rounds)
        ten = median_cpu([python, "-c", SANDBOX, "10"], arguments.rounds)
        print(
            "\nOne sandbox (start, greeting, load, one call, close): "
            f"{100 * (ten[1] - base[1]):.0f} ms CPU, {100 * (ten[0] - base[0]):.0f} ms wall"
        )
        if not arguments.no_money:
            notebook = json.loads((REPO / "solutions" / "05_money.ipynb").read_text())
            cells = ["".join(cell["source"]) for cell in notebook["cells"]]
            source = next(c for c in cells if c.startswith("# exercise: money.value_object"))
            zero = median_cpu([python, "-c", MYPY, "0", source], arguments.rounds)
            three = median_cpu([python, "-c", MYPY, "3", source], arguments.rounds)
            print(
                "One mypy --strict run of the money value object (forked, mypy imported): "
                f"{1000 * (three[1] - zero[1]) / 3:.0f} ms CPU, "
                f"{1000 * (three[0] - zero[0]) / 3:.0f} ms wall"
            )
            results = []
            for folder in (money_folder(scratch, 1), money_folder(scratch, 3)):
                command = [python, "-c", BATCH, str(REPO), str(folder), "batch"]
                results.append(median_cpu(command, arguments.rounds))
            print(
                f"Money reference, zendo grade --jobs 1: 1 submission {results[0][0]:.2f} s "
                f"wall ({results[0][1]:.2f} s CPU); per extra submission "
                f"{per_submission(*results, 3)}"
            )
    print(f"\nload after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
