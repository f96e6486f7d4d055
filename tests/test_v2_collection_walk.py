"""A judge's pytest collects only the graders' own folder, never the folders above it.

pytest reaches a file named on its command line by collecting every folder on the way
down from the highest one not above `--confcutdir`, listing all of each one's entries.
A course under /tmp, judged from /dev/shm, had it list the whole of /tmp on every
check. Here a real pytest, with the judge's own arguments, records every folder it
collects: only the graders' folder and what is below it may appear.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from zendo.judge.job import ExerciseSpec, JudgeJob
from zendo.judge.runner import graders_folder, pytest_arguments
from zendo.judge.sandbox import Isolation

GRADER = "def test_nothing():\n    pass\n"

RECORD = """\
import json, sys
import pytest

class Recorder:
    def __init__(self):
        self.folders = []

    def pytest_collect_directory(self, path):
        self.folders.append(str(path))

recorder = Recorder()
code = pytest.main(json.loads(sys.argv[1]), plugins=[recorder])
print(json.dumps({"code": int(code), "folders": recorder.folders}))
"""


def _job(graders: list[Path]) -> JudgeJob:
    return JudgeJob(
        grader_files=[str(path) for path in graders],
        exercises=[
            ExerciseSpec(
                exercise_id="a.b", module="a_b", source="", cell_start_line=1, timeout_seconds=5
            )
        ],
        memory_mb=256,
        max_file_mb=8,
        max_processes=8,
        max_output_chars=100,
        isolation=Isolation.NONE,
        results_path="/nowhere/results.json",
    )


def test_collection_starts_at_the_graders_folder(tmp_path: Path) -> None:
    # A course whose parent folder holds many other folders, and a judge folder elsewhere.
    parent = tmp_path / "home"
    for name in range(30):
        (parent / f"someone-{name}").mkdir(parents=True)
    lesson = parent / "course" / "tests" / "graders" / "05_money"
    (lesson / "hidden").mkdir(parents=True)
    graders = [lesson / "test_money.py", lesson / "hidden" / "test_hidden.py"]
    for grader in graders:
        grader.write_text(GRADER, encoding="utf-8")
    judge_folder = tmp_path / "judge"
    judge_folder.mkdir()
    arguments = pytest_arguments(_job(graders), judge_folder)
    done = subprocess.run(
        [sys.executable, "-c", RECORD, json.dumps(arguments)],
        capture_output=True, text=True, check=True, cwd=judge_folder,
        env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    found = json.loads(done.stdout.splitlines()[-1])
    assert found["code"] == 0  # both graders collected and run
    assert found["folders"], "pytest collected no folder at all: the recorder saw nothing"
    assert set(found["folders"]) <= {str(lesson), str(lesson / "hidden")}


def test_the_graders_folder_is_the_deepest_that_holds_them_all() -> None:
    lesson = "/c/tests/graders/05_money"
    assert graders_folder([f"{lesson}/test_a.py", f"{lesson}/hidden/test_b.py"]) == lesson
    assert graders_folder(["/c/tests/graders/test_05_money.py"]) == "/c/tests/graders"
    assert graders_folder([]) is None
