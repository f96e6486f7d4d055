"""Benchmark: batch grading of synthetic money submissions, at --jobs 1 and --jobs 2.

Generates N submissions of the money lesson (most solved, some with known wrong
answers, a few hostile), grades them with the engine as `zendo grade` does, and prints
submissions per second, the time per submission and the peak memory of the grading
processes. Anchor (anchors.md): nbgrader autograde took 3.3 s per submission, one at a
time, for a 3-question notebook; the target is at least 50 times faster per submission.

Usage:
    python benchmarks/bench_batch.py [--submissions 40]
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from zendo._batch import find_submissions, grade_batch
from zendo._course import load_course
from zendo._limits import Limits
from zendo._results import Status

REPO = Path(__file__).resolve().parents[1]
HOSTILE = {
    "money.split": (
        "# exercise: money.split\ndef split(total_minor, n):\n    while True:\n        pass"
    ),
    "money.round_money": (
        "# exercise: money.round_money\ndef round_money(a, m):\n    return bytes(16 * 2**30)"
    ),
    "money.allocate": (
        "# exercise: money.allocate\nimport sys\ndef allocate(t, r):\n    sys.exit(0)"
    ),
}


def make_submissions(folder: Path, count: int) -> dict[str, str]:
    """Write `count` notebooks; return each learner's kind (solved, wrong, hostile)."""
    solution = json.loads((REPO / "solutions" / "05_money.ipynb").read_text())
    wrong = sorted((REPO / "tests" / "graders" / "wrong").glob("money.*/*.py"))
    kinds = {}
    for number in range(count):
        learner = f"learner{number:03d}"
        notebook = json.loads(json.dumps(solution))
        if number % 10 == 9:
            exercise_id = sorted(HOSTILE)[number // 10 % len(HOSTILE)]
            replacement, kinds[learner] = HOSTILE[exercise_id], "hostile"
        elif number % 10 >= 6:
            path = wrong[number % len(wrong)]
            exercise_id, replacement, kinds[learner] = path.parent.name, path.read_text(), "wrong"
        else:
            exercise_id, replacement, kinds[learner] = "", "", "solved"
        for cell in notebook["cells"]:
            source = "".join(cell["source"])
            if exercise_id and source.startswith(f"# exercise: {exercise_id}\n"):
                cell["source"] = replacement
        (folder / learner).mkdir()
        (folder / learner / "05_money.ipynb").write_text(json.dumps(notebook))
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--submissions", type=int, default=40)
    arguments = parser.parse_args()
    course = load_course(REPO)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        kinds = make_submissions(folder, arguments.submissions)
        submissions = find_submissions([folder], course)
        mix = {kind: list(kinds.values()).count(kind) for kind in ("solved", "wrong", "hostile")}
        print(f"{len(submissions)} money submissions: {mix}")
        for jobs in (1, 2):
            started = time.perf_counter()
            results = grade_batch(course, submissions, jobs=jobs, limits=Limits())
            seconds = time.perf_counter() - started
            false_passes = sum(
                r.status is Status.PASS and kinds[r.learner] != "solved" for r in results
            )
            solved_passing = sum(
                r.status is Status.PASS and kinds[r.learner] == "solved" for r in results
            )
            print(
                f"--jobs {jobs}: {seconds:.1f} s, {len(results) / seconds:.2f} submissions/s, "
                f"{seconds / len(results):.3f} s per submission "
                f"({3.3 / (seconds / len(results)):.1f}x nbgrader's 3.3 s); "
                f"solved passing {solved_passing}/{mix['solved']}, false passes {false_passes}"
            )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    itself = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: engine {itself:.0f} MB, largest grading process {children:.0f} MB")


if __name__ == "__main__":
    main()
