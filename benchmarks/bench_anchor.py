"""Benchmark: Zendo against nbgrader and otter-grader on one assignment, side by side.

The anchor assignment (three questions, twelve tests, 2 points a question) is graded by
all three tools in one run, interleaved (nbgrader, otter, zendo, nbgrader, ...), so that
the load of a shared machine falls on all three alike; what is reported are the ratios.

- nbgrader and otter-grader are installed in a virtual environment of their own
  (`--venv`, created on first use; never the course's `.venv`), and the assignment is
  built for them by the shared incumbents' build (`--incumbents`, by default
  `../shared/bench/incumbents/` beside this clone: `setup.sh` and `make_fixtures.py`).
- Zendo grades `benchmarks/anchor/`, the same assignment as a course; its good and bad
  submissions are written from the same GOOD and BAD answers
  (`benchmarks/anchor/make_anchor.py`).

Measured, each as the whole command an instructor runs, with one worker:

- one submission (the good one): `nbgrader autograde ps1 --student good --force`,
  `otter run -a AUTOGRADER.zip good/money.ipynb`, `zendo grade good/01_anchor.ipynb`;
- 20 submissions (10 good, 10 bad, one learner each): `nbgrader autograde ps1` over the
  20 students, `otter run` once per submission (`otter grade` runs every submission in a
  Docker container, which needs a Docker daemon and its images; `otter run` is the same
  grading without the container), `zendo grade FOLDER --jobs 1 --gradebook ...`.

Before timing, each tool grades the good and the bad submission once and the scores are
printed: good is 6/6 everywhere; bad is 0/6 with nbgrader (one test cell per question,
all or nothing) and 2/6 with otter and Zendo (points shared among a question's tests).
Before each timed command the benchmark waits (at most 10 s) until the machine is idle
(`settle`): a command can return while processes it started still work (a Jupyter
kernel shutting down), and that work would otherwise be timed against the next tool.
Each tool's total wait is printed. Prints medians, min and max and the ratios
nbgrader/zendo and otter/zendo; asserts nothing. Takes about 10 minutes on 2 busy cores
(most of it otter).

Usage:
    python benchmarks/bench_anchor.py [--single-runs 5] [--batch-runs 3]
        [--venv DIR] [--work DIR] [--incumbents DIR] [--reuse]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from engine_state import engine_state  # benchmarks/ is on sys.path when run

REPO = Path(__file__).resolve().parents[1]
ANCHOR = REPO / "benchmarks" / "anchor"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "zendo-bench"
DEFAULT_INCUMBENTS = REPO.parent / "shared" / "bench" / "incumbents"
# The versions the shared README measured; pinned so that a later release does not
# change what is compared without anyone noticing.
PACKAGES = ["nbgrader==0.9.6", "otter-grader==7.0.0", "nbconvert", "ipykernel"]
TOOLS = ("nbgrader", "otter", "zendo")
BATCH = 20


class Bench:
    """Where everything lives, and the commands of each tool."""

    def __init__(self, venv: Path, work: Path, incumbents: Path) -> None:
        self.venv, self.work, self.incumbents = venv, work, incumbents
        self.nbgrader_course = work / "nbgrader" / "course"
        self.otter = work / "otter"
        self.zendo = work / "zendo"
        self.zendo_bin = Path(sys.executable).with_name("zendo")
        self.env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
        self.env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
        self.env.pop("PYTHONPATH", None)

    # ---- set-up -------------------------------------------------------------------

    def ensure_venv(self) -> None:
        if (self.venv / "bin" / "nbgrader").exists() and (self.venv / "bin" / "otter").exists():
            return
        print(f"Creating {self.venv} with {' '.join(PACKAGES)} (a few minutes)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", self.venv], check=True)
        pip: list[str | Path] = [self.venv / "bin" / "python", "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--upgrade", "pip"], check=True)
        subprocess.run([*pip, *PACKAGES], check=True)

    def versions(self) -> str:
        script = (
            "from importlib.metadata import version as v; "
            "print(f\"nbgrader {v('nbgrader')}, otter-grader {v('otter-grader')}, "
            "nbconvert {v('nbconvert')}, ipykernel {v('ipykernel')}\")"
        )
        python = self.venv / "bin" / "python"
        return subprocess.run(
            [python, "-c", script], capture_output=True, text=True, check=True
        ).stdout.strip()

    def build(self, reuse: bool) -> None:
        """The incumbents' assignment (shared setup.sh), then the 20-learner batches."""
        setup = self.incumbents / "setup.sh"
        if not setup.is_file():
            raise SystemExit(f"{setup} does not exist: pass --incumbents FOLDER.")
        if not (reuse and (self.otter / "dist" / "autograder").is_dir()):
            print(f"Building the incumbents' assignment in {self.work}...", flush=True)
            env = self.env | {"WORK": str(self.work), "VENV": str(self.venv)}
            self.run(["bash", setup], REPO, env=env)
        submitted = self.nbgrader_course / "submitted"
        shutil.rmtree(self.zendo, ignore_errors=True)
        shutil.rmtree(self.otter / "batch", ignore_errors=True)
        for number in range(BATCH):
            kind = "good" if number % 2 == 0 else "bad"
            learner = f"learner{number:02d}"
            target = submitted / learner / "ps1"
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(submitted / kind / "ps1" / "ps1.ipynb", target / "ps1.ipynb")
            (self.otter / "batch" / learner).mkdir(parents=True)
            shutil.copyfile(
                self.otter / "submissions" / kind / "money.ipynb",
                self.otter / "batch" / learner / "money.ipynb",
            )
            (self.zendo / "batch" / learner).mkdir(parents=True)
            shutil.copyfile(
                ANCHOR / "submissions" / f"{kind}.ipynb",
                self.zendo / "batch" / learner / "01_anchor.ipynb",
            )
        # What a course's set-up does once (`make lab` runs it for the lessons): zendo's
        # and the graders' bytecode, which judges never write themselves.
        self.run([self.zendo_bin, "--course", ANCHOR, "prepare"], REPO)
        for kind in ("good", "bad"):
            (self.zendo / kind).mkdir(parents=True)
            shutil.copyfile(
                ANCHOR / "submissions" / f"{kind}.ipynb", self.zendo / kind / "01_anchor.ipynb"
            )

    # ---- the commands -----------------------------------------------------------------

    def run(self, command: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> None:
        done = subprocess.run(
            command, cwd=cwd, env=env or self.env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
            raise SystemExit(f"{' '.join(map(str, command))} exited {done.returncode}:\n{tail}")

    def autograder_zip(self) -> Path:
        return sorted((self.otter / "dist" / "autograder").glob("*.zip"))[-1]

    def nbgrader_grade(self, students: str) -> None:
        command: list[str | Path] = ["nbgrader", "autograde", "ps1", "--student", students]
        self.run([*command, "--force"], self.nbgrader_course)

    def otter_grade(self, notebooks: list[Path]) -> list[Path]:
        """`otter run` on each notebook, one after the other; the results files."""
        results = []
        for notebook in notebooks:
            out = self.work / "otter-out" / notebook.parent.name
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            zipped = self.autograder_zip()
            self.run(["otter", "run", "-a", zipped, "-o", out, "--no-logo", notebook], self.otter)
            results.append(out / "results.json")
        return results

    def zendo_grade(self, target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        gradebook = self.work / "zendo-gradebook.json"
        command: list[str | Path] = [
            self.zendo_bin, "--course", ANCHOR, "grade", target, "--jobs", "1",
            "--gradebook", gradebook, *extra,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode not in (0, 1):
            raise SystemExit(f"zendo grade exited {done.returncode}:\n{done.stderr[-2000:]}")
        return done

    def tasks(self) -> dict[str, dict[str, Callable[[], object]]]:
        otter_batch = sorted((self.otter / "batch").glob("*/money.ipynb"))
        return {
            "one submission": {
                "nbgrader": lambda: self.nbgrader_grade("good"),
                "otter": lambda: self.otter_grade([self.otter / "submissions/good/money.ipynb"]),
                "zendo": lambda: self.zendo_grade(self.zendo / "good" / "01_anchor.ipynb"),
            },
            f"{BATCH} submissions": {
                "nbgrader": lambda: self.nbgrader_grade("learner*"),
                "otter": lambda: self.otter_grade(otter_batch),
                "zendo": lambda: self.zendo_grade(self.zendo / "batch"),
            },
        }

    # ---- scores -----------------------------------------------------------------------

    def scores(self) -> dict[str, dict[str, str]]:
        """Each tool's score for the good and the bad submission, as 'points/max'."""
        found: dict[str, dict[str, str]] = {tool: {} for tool in TOOLS}
        self.nbgrader_grade("good")
        self.nbgrader_grade("bad")
        export = self.work / "nbgrader-grades.csv"
        self.run(["nbgrader", "export", "--to", export], self.nbgrader_course)
        with export.open(encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                if row["student_id"] in ("good", "bad"):
                    found["nbgrader"][row["student_id"]] = (
                        f"{float(row['score']):g}/{float(row['max_score']):g}"
                    )
        for kind in ("good", "bad"):
            notebook = self.otter / "submissions" / kind / "money.ipynb"
            (result,) = self.otter_grade([notebook])
            tests = json.loads(result.read_text(encoding="utf-8"))["tests"]
            scored = [test for test in tests if "score" in test]
            points = sum(test["score"] for test in scored)
            found["otter"][kind] = f"{points:g}/{sum(t['max_score'] for t in scored):g}"
            graded = self.zendo_grade(self.zendo / kind / "01_anchor.ipynb", "--format", "json")
            (submission,) = json.loads(graded.stdout)["submissions"]
            found["zendo"][kind] = f"{submission['points']:g}/{submission['max_points']:g}"
        return found


IDLE_SHARE = 0.10  # busy share of all CPUs, over one window, that counts as idle
IDLE_WINDOW = 0.2  # seconds


def _cpu_times() -> tuple[int, int]:
    """Busy and total jiffies of all CPUs since boot (Linux's /proc/stat)."""
    values = [int(field) for field in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def settle(limit: float = 10.0) -> float:
    """Wait until one window of IDLE_WINDOW s is idle (or `limit` s passed); the wait."""
    began = time.perf_counter()
    while time.perf_counter() - began < limit:
        busy, total = _cpu_times()
        time.sleep(IDLE_WINDOW)
        busy_after, total_after = _cpu_times()
        if (busy_after - busy) <= IDLE_SHARE * max(total_after - total, 1):
            break
    return time.perf_counter() - began


def measure(
    tasks: dict[str, dict[str, Callable[[], object]]], runs: dict[str, int]
) -> dict[str, dict[str, list[float]]]:
    """Time each task's tools in turn, round after round (A B C A B C ...), each on a
    settled machine."""
    times: dict[str, dict[str, list[float]]] = {
        task: {tool: [] for tool in tools} for task, tools in tasks.items()
    }
    waited: dict[str, float] = {}
    for round_number in range(max(runs.values())):
        for task, tools in tasks.items():
            if round_number >= runs[task]:
                continue
            for tool, action in tools.items():
                waited[tool] = waited.get(tool, 0.0) + settle()
                began = time.perf_counter()
                action()
                seconds = time.perf_counter() - began
                times[task][tool].append(seconds)
                print(f"  round {round_number + 1}, {task}, {tool}: {seconds:.2f} s", flush=True)
    settled = ", ".join(f"{tool} {seconds:.1f} s" for tool, seconds in waited.items())
    print(f"Waited for an idle machine before each tool's commands, in all: {settled}")
    return times


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--venv", type=Path, default=CACHE / "venv", help="incumbents' venv")
    parser.add_argument("--work", type=Path, default=CACHE / "work", help="scratch folder")
    parser.add_argument("--incumbents", type=Path, default=DEFAULT_INCUMBENTS)
    parser.add_argument("--single-runs", type=int, default=5)
    parser.add_argument("--batch-runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep an earlier build in --work")
    arguments = parser.parse_args()
    if arguments.venv.resolve().is_relative_to(REPO / ".venv"):
        raise SystemExit("The incumbents need a venv of their own, not the course's .venv.")
    bench = Bench(arguments.venv.resolve(), arguments.work.resolve(), arguments.incumbents)
    bench.ensure_venv()
    bench.build(arguments.reuse)
    print(f"{bench.versions()}; {engine_state()}")
    print("Scores (good, bad):")
    for tool, scores in bench.scores().items():
        print(f"  {tool:<9} good {scores['good']:<6} bad {scores['bad']}")
    print(f"Before: {load()}", flush=True)
    tasks = bench.tasks()
    runs = dict(zip(tasks, (arguments.single_runs, arguments.batch_runs), strict=True))
    times = measure(tasks, runs)
    print(f"After: {load()}")
    print()
    print("| task | nbgrader | otter-grader | zendo | nbgrader/zendo | otter/zendo |")
    print("|---|---|---|---|---:|---:|")
    for task, tools in times.items():
        if not tools["zendo"]:
            continue
        medians = {tool: statistics.median(seconds) for tool, seconds in tools.items()}
        cells = [
            f"{medians[tool]:.2f} s ({min(tools[tool]):.2f}-{max(tools[tool]):.2f})"
            for tool in TOOLS
        ]
        ratios = [medians[tool] / medians["zendo"] for tool in ("nbgrader", "otter")]
        print(
            f"| {task}, n={len(tools['zendo'])} | {' | '.join(cells)} | "
            f"{ratios[0]:.1f}x | {ratios[1]:.1f}x |"
        )
    print("(median, min-max in brackets; one worker; whole commands)")
    print("Each round's own ratios (nbgrader/zendo, otter/zendo), to see the noise:")
    for task, tools in times.items():
        rounds = zip(tools["nbgrader"], tools["otter"], tools["zendo"], strict=True)
        each = ", ".join(f"{nb / zendo:.1f}x {ot / zendo:.1f}x" for nb, ot, zendo in rounds)
        print(f"  {task}: {each}")


if __name__ == "__main__":
    main()
