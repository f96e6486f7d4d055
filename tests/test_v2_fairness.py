"""Fairness between concurrent learners (issue 10, item 6), on grading v2.

Each hostile neighbour in `tests/fixtures/course_v2/neighbours/` (a thread flood, a fork
attempt, a memory balloon, an output flood, a busy loop) is graded beside honest learners
in one `zendo grade --jobs 2` batch, through the real command, as root and as an
unprivileged user (created here when the tests run as root). The honest results must
equal their results graded alone: one submission's processes, threads, memory or output
never change another's verdict or message. A grading tool starved past its limit is the
engine's message, never the learner's fail.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from tests.test_v2_course import COURSE_V2
from tests.test_v2_sandbox import REPO, UNPRIVILEGED_USER, ensure_user, unprivileged_python
from zendo.judge import tools
from zendo.judge.plugin import _classify

NEIGHBOURS = sorted((COURSE_V2 / "neighbours").glob("*.py"))
WRONG_SPLIT = COURSE_V2 / "tests" / "graders" / "wrong" / "calc.split" / "drops_leftover.py"
HONEST = {"ada": {}, "bob": {"calc.split": WRONG_SPLIT.read_text(encoding="utf-8")}}
WHO = ["root", "unprivileged"] if os.geteuid() == 0 else ["unprivileged"]


@pytest.fixture(scope="module")
def place() -> Iterator[Path]:
    """A folder every user can read: the course copy and the class, owned by the grader."""
    folder = Path(tempfile.mkdtemp(prefix="zendo-fairness-"))
    folder.chmod(0o755)
    shutil.copytree(COURSE_V2, folder / "course")
    solution = folder / "course" / "solutions" / "01_calc.ipynb"
    cells = {path.stem: {"calc.split": path.read_text(encoding="utf-8")} for path in NEIGHBOURS}
    for learner, replaced in {**HONEST, **cells}.items():
        (folder / "class" / learner).mkdir(parents=True)
        replace_cells(solution, replaced, folder / "class" / learner / "01_calc.ipynb")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def grade_as(
    who: str, place: Path, target: Path, gradebook: Path
) -> subprocess.CompletedProcess[str]:
    """`zendo grade` as `who`: root runs it as itself; an unprivileged user through runuser."""
    command = [sys.executable]
    env = dict(os.environ)
    if who == "unprivileged" and os.geteuid() == 0:
        ensure_user(UNPRIVILEGED_USER)
        uid = pwd.getpwnam(UNPRIVILEGED_USER).pw_uid
        for path in [place, *place.rglob("*")]:
            os.chown(path, uid, -1, follow_symlinks=False)
        command = ["runuser", "-u", UNPRIVILEGED_USER, "--", unprivileged_python(UNPRIVILEGED_USER)]
        site = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
        env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *site])
        env["HOME"] = str(place)
    return subprocess.run(
        [*command, "-m", "zendo", "--course", str(place / "course"), "grade", str(target),
         "--jobs", "2", "--gradebook", str(gradebook)],
        capture_output=True,
        text=True,
        env=env,
        cwd=place,
        timeout=900,
        check=False,
    )  # fmt: skip


def graded(gradebook: Path) -> dict[str, dict[str, object]]:
    """The gradebook's submissions by key, without timings (they differ run to run)."""
    report = json.loads(gradebook.read_text(encoding="utf-8"))
    for submission in report["submissions"]:
        for exercise in submission["exercises"]:
            for test in exercise["tests"]:
                test.pop("duration_seconds")
    return {submission["source"]: submission for submission in report["submissions"]}


@pytest.mark.slow
@pytest.mark.parametrize("who", WHO)
def test_hostile_neighbours_never_change_an_honest_result(who: str, place: Path) -> None:
    batch = place / f"batch-{who}.json"
    run = grade_as(who, place, place / "class", batch)
    assert run.returncode == 1, run.stderr[-3000:]
    results = graded(batch)
    assert len(results) == len(HONEST) + len(NEIGHBOURS)
    for path in NEIGHBOURS:
        exercises = results[f"{path.stem}/01_calc.ipynb"]["exercises"]
        assert isinstance(exercises, list)
        split = next(exercise for exercise in exercises if exercise["id"] == "calc.split")
        assert split["status"] in {"timeout", "error"}, (path.stem, split)
    for learner in HONEST:
        alone = place / f"alone-{who}-{learner}.json"
        single = grade_as(who, place, place / "class" / learner, alone)
        assert single.returncode in (0, 1), single.stderr[-3000:]
        [(key, result)] = graded(alone).items()
        assert results[key] == result, (who, learner)
    assert results["ada/01_calc.ipynb"]["status"] == "pass"


def test_a_starved_tool_is_retried_then_the_engines_message_never_the_learners_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """mypy given no time at all (as if another learner's burn starved it): a real run
    that times out twice ends as ToolTimeout, which the judge reports as an engine-side
    error, never a fail of the learner's code."""
    monkeypatch.setattr(tools, "TOOL_TIMEOUT_SECONDS", 0.01)
    with pytest.raises(tools.ToolTimeout) as starved:
        tools.run_mypy({"calc_typed.py": "x: int = 1\n"})
    assert starved.value.attempts == 2
    verdict = _classify(starved.value, "test_typed_passes_mypy")
    assert verdict["status"] == "error"
    assert verdict["message"].startswith("The grading machine was too busy")
    assert "not a verdict on your code" in verdict["message"]
