"""Benchmark: warm `check()` latency in a live kernel, one exercise, isolated.

A real kernel is started in a copy of the course's `exercises/` folder; the reference
solution of `money.split` is run in it; then `check("money.split")` is timed inside the
kernel. The first check pays for starting the warm grading server (and, for v2 lessons,
the warm judge) and is reported on its own. Target (DESIGN.md): warm median ≤ 250 ms for
every exercise, engine overhead ≤ 50 ms. `--all` times every exercise of the course.

Checks are `--pause` seconds apart (0.5 by default, untimed), as a learner's are: no one
checks twice within half a second, and the warm judge uses the gap to start the next
check's sandbox (a spare). `--pause 0` times checks back to back, the spare then boots
beside the check.

Usage:
    python benchmarks/bench_notebook_check.py [--runs 20] [--pause 0.5] [--all | IDS...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

REPO = Path(__file__).resolve().parents[1]


def solution_cells(exercise_id: str) -> list[str]:
    """The set-up cells and the solved exercise cell, from whichever solution notebook has it."""
    for path in sorted((REPO / "solutions").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        sources = ["".join(cell["source"]) for cell in code]
        exercise = [s for s in sources if s.startswith(f"# exercise: {exercise_id}\n")]
        if exercise:
            return [s for s in sources if s.startswith("# setup")] + exercise
    raise SystemExit(f"No solution notebook has the exercise {exercise_id!r}.")


def run(client: object, code: str) -> str:
    reply_text: list[str] = []

    def collect(message: dict[str, object]) -> None:
        content = message.get("content")
        if isinstance(content, dict) and message.get("msg_type") == "stream":
            reply_text.append(str(content.get("text", "")))

    client.execute_interactive(code, output_hook=collect, timeout=120)  # type: ignore[attr-defined]
    return "".join(reply_text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "exercises", nargs="*", default=["money.split", "zen.zen"], help="exercise ids to time"
    )
    parser.add_argument("--all", action="store_true", help="time every exercise of the course")
    parser.add_argument(
        "--pause", type=float, default=0.5, help="seconds between two checks (not timed)"
    )
    arguments = parser.parse_args()
    exercises = arguments.exercises
    if arguments.all:
        from zendo._course import load_course

        exercises = [exercise.id for exercise in load_course(REPO).exercises]
    for exercise_id in exercises:
        measure(exercise_id, arguments.runs, arguments.pause)


def measure(exercise_id: str, runs: int, pause: float = 0.5) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "course"
        for part in ("course", "exercises", "solutions", "tests/graders"):
            shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("wrong"))
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(root / "exercises"))
        try:
            # Check cells import what they call, as a learner's would after a restart.
            for cell in [*solution_cells(exercise_id), "from zendo.notebook import check"]:
                run(client, cell)
            timer = (
                "import time\n"
                "started = time.perf_counter()\n"
                f"view = check({exercise_id!r})\n"
                "print(round(time.perf_counter() - started, 4), view.passed)"
            )
            first = run(client, timer).split()
            times = []
            for _ in range(runs):
                time.sleep(pause)
                seconds, passed = run(client, timer).split()
                if passed != "True":
                    raise SystemExit("The reference solution did not pass; fix the course first.")
                times.append(float(seconds))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    ordered = sorted(times)
    print(f"{exercise_id}: first check (starts the warm server): {float(first[0]):.3f} s")
    print(
        f"{exercise_id}: warm check: median {statistics.median(ordered) * 1000:.0f} ms  "
        f"min {ordered[0] * 1000:.0f} ms  max {ordered[-1] * 1000:.0f} ms  "
        f"p90 {ordered[int(len(ordered) * 0.9) - 1] * 1000:.0f} ms  (n={len(ordered)})"
    )


if __name__ == "__main__":
    main()
