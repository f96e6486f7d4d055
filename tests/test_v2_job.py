"""The job file between the engine and a judge: written whole, read back only if exact.

The judge reads it with the standard library (`judge/job.py`, no pydantic on a judge's
start), as strictly as the pydantic models it replaced: these are the checks they made.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from zendo.judge.job import ExerciseSpec, JobError, JudgeJob
from zendo.judge.sandbox import Isolation


def _job(**changes: Any) -> JudgeJob:
    fields: dict[str, Any] = {
        "grader_files": ["/course/tests/graders/test_05_money.py"],
        "exercises": [
            ExerciseSpec(
                exercise_id="money.split",
                module="money_split",
                source="def split(total, n):\n    return [total]\n",
                cell_start_line=3,
                timeout_seconds=10,
                defined_elsewhere={"Money": "cell 4"},
            )
        ],
        "memory_mb": 2048,
        "max_file_mb": 64,
        "max_processes": 64,
        "max_output_chars": 10_000,
        "isolation": Isolation.BUBBLEWRAP,
        "results_path": "/scratch/zendo-judge-x/results.json",
    }
    return JudgeJob(**{**fields, **changes})


def _data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_job().to_json())
    data.update(changes)
    return data


def test_a_job_read_back_is_the_job_written() -> None:
    job = _job(hidden_files=["/course/tests/graders/05_money/hidden/test_h.py"], stdio=True)
    assert JudgeJob.from_json(job.to_json()) == job
    assert json.loads(job.to_json())["isolation"] == "bubblewrap"


def test_defaults_are_taken_when_the_keys_are_absent() -> None:
    data = _data()
    del data["hidden_files"], data["stdio"], data["exercises"][0]["defined_elsewhere"]
    job = JudgeJob.from_json(json.dumps(data))
    assert (job.hidden_files, job.stdio, job.exercises[0].defined_elsewhere) == ([], False, {})


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (_data(extra=1), "unknown keys: 'extra'"),
        ({k: v for k, v in _data().items() if k != "results_path"}, "job has no results_path"),
        (_data(memory_mb="2048"), "memory_mb '2048' is not of type int"),
        (_data(memory_mb=2048.0), "memory_mb 2048.0 is not of type int"),
        (_data(stdio=1), "stdio 1 is not of type bool"),
        (_data(grader_files="/a.py"), "grader_files '/a.py' is not of type list[str]"),
        (_data(grader_files=[1]), "grader_files [1] is not of type list[str]"),
        (_data(isolation="docker"), "job.isolation 'docker' is not an isolation"),
        (_data(isolation=["none"]), "job.isolation ['none'] is not an isolation"),
        (_data(exercises={}), "exercises {} is not of type list[ExerciseSpec]"),
        (_data(exercises=[1]), "job.exercises[0] is 1, not a JSON object"),
        ([], "job is [], not a JSON object"),
    ],
)
def test_a_job_of_another_shape_is_refused_naming_the_field(data: object, named: str) -> None:
    with pytest.raises(JobError, match=named.replace("[", r"\[").replace("]", r"\]")):
        JudgeJob.from_json(json.dumps(data))


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"module": "money.split"}, "module 'money.split' is not a module name"),
        ({"module": "Money"}, "module 'Money' is not a module name"),
        ({"cell_start_line": 0}, "cell_start_line 0 is below 1"),
        ({"timeout_seconds": 0}, "timeout_seconds 0 is not above 0"),
        ({"timeout_seconds": 3601}, "timeout_seconds 3601 is not above 0 and at most 3600"),
        ({"defined_elsewhere": {"Money": 4}}, "defined_elsewhere"),
        ({"exercise_id": None}, "exercise_id None is not of type str"),
        ({"surprise": True}, r"job.exercises\[0\] has unknown keys: 'surprise'"),
    ],
)
def test_an_exercise_out_of_bounds_is_refused(changes: dict[str, Any], named: str) -> None:
    data = _data()
    data["exercises"][0].update(changes)
    with pytest.raises(JobError, match=named):
        JudgeJob.from_json(json.dumps(data))


def test_the_engine_cannot_build_a_bad_job_either() -> None:
    with pytest.raises(JobError, match="cell_start_line -1 is below 1"):
        ExerciseSpec(
            exercise_id="a.b", module="a_b", source="", cell_start_line=-1, timeout_seconds=1
        )
    with pytest.raises(JobError, match="max_processes '64' is not of type int"):
        _job(max_processes="64")


def test_text_that_is_not_json_is_refused() -> None:
    with pytest.raises(JobError, match="The job is not JSON"):
        JudgeJob.from_json("{")


def test_a_judge_imports_no_pydantic() -> None:
    """What the judge needs before its first job, pydantic (about 30 ms) not among it."""
    probe = (
        "import sys, zendo.judge.batch_start, zendo.judge.batch_server, zendo.judge.warm, "
        "zendo.judge.runner, zendo.grading; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'pydantic'))"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
