"""A drafting aid: grade the habits drafts with the real engine before they land.

Builds a throwaway course folder (only course.toml and a minimal 08_habits.toml holding
exercises.toml, the graders symlinked from drafts/08_habits/graders), then grades the
reference, the untouched starter, every right and every wrong answer through
`zendo._grade.grade_notebook`, and prints whether each behaved as claimed.

    .venv/bin/python drafts/08_habits/check_drafts.py [-v] [--exercise habits.mutants]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "src"))

from zendo._build import generate_exercise_notebook  # noqa: E402
from zendo._course import load_course  # noqa: E402
from zendo._grade import grade_notebook  # noqa: E402
from zendo._limits import Limits  # noqa: E402
from zendo._results import Status  # noqa: E402

FACTS = """slug = "habits"
grader_api = 2
title = "Habits (draft)"
minutes = 200
questions = ["q?"]
objectives = ["o"]
key_points = ["k"]
"""


def replace(notebook: dict, exercise_id: str, source: str) -> dict:
    copy = json.loads(json.dumps(notebook))
    for cell in copy["cells"]:
        text = "".join(cell["source"])
        if text.split("\n", 1)[0].strip() == f"# exercise: {exercise_id}":
            cell["source"] = source
    return copy


def header(source: str, field: str) -> str | None:
    match = re.search(rf"^# {field}: (.+)$", source, re.MULTILINE)
    return match.group(1).strip() if match else None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--exercise")
    parser.add_argument("--only", help="substring of the answer label")
    arguments = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="zendo-habits-dev-"))
    (root / "course").mkdir()
    shutil.copy(REPO / "course" / "course.toml", root / "course")
    (root / "course" / "08_habits.toml").write_text(
        FACTS + "\n" + (HERE / "exercises.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (root / "tests" / "graders").mkdir(parents=True)
    (root / "tests" / "graders" / "08_habits").symlink_to(HERE / "graders")
    course = load_course(root)
    [lesson] = course.lessons
    solution = json.loads((HERE / "solutions.ipynb").read_text(encoding="utf-8"))
    starter = generate_exercise_notebook(solution, HERE / "solutions.ipynb")
    answers: list[tuple[str, str, dict, str | None, str | None, bool]] = []
    for exercise in lesson.data.exercises:
        if arguments.exercise not in (None, exercise.id):
            continue
        answers.append(("reference", exercise.id, solution, None, None, True))
        answers.append(("starter", exercise.id, starter, "*", "*", False))
        for path in sorted((HERE / "right" / exercise.id).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            answers.append((f"right/{path.stem}", exercise.id, replace(solution, exercise.id, text), None, None, True))
        for path in sorted((HERE / "wrong" / exercise.id).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            answers.append((f"wrong/{path.stem}", exercise.id, replace(solution, exercise.id, text),
                            header(text, "caught-by"), header(text, "hint"), False))
    surprises = 0
    for label, exercise_id, notebook, caught_by, hint, should_pass in answers:
        if arguments.only and arguments.only not in label:
            continue
        path = root / "submission.ipynb"
        path.write_text(json.dumps(notebook), encoding="utf-8")
        started = time.perf_counter()
        [result] = grade_notebook(course, path, [course.exercise(exercise_id)], Limits()).exercises
        seconds = time.perf_counter() - started
        problem = None
        failed = [t for t in result.tests if t.status is not Status.PASS]
        if should_pass:
            if result.status is not Status.PASS:
                problem = f"failed {[(t.name, t.status.value, t.message) for t in failed]}"
        elif caught_by == "*":
            if result.status is not Status.FAIL or len(failed) != len(result.tests):
                problem = f"starter: {result.status} passed {[t.name for t in result.tests if t.status is Status.PASS]}"
        else:
            named = [t for t in result.tests if t.name.split("[")[0] == caught_by]
            if not named:
                problem = f"no test {caught_by}"
            elif named[0].status is not Status.FAIL or named[0].hint_id != hint:
                problem = f"{caught_by}: {named[0].status.value} hint {named[0].hint_id}: {named[0].message}"
        surprises += problem is not None
        print(f"{'ok  ' if problem is None else 'FAIL'} {exercise_id:24} {label:34} {seconds:5.2f}s {problem or ''}")
        if arguments.verbose:
            for test in failed:
                print(f"      {test.name} [{test.status.value}/{test.hint_id}] {test.message}")
    shutil.rmtree(root)
    print(f"{surprises} surprises")
    return 1 if surprises else 0


if __name__ == "__main__":
    sys.exit(main())
