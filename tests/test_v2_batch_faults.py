"""Faults a v2 submission causes stay its own result (issue 10, item 1, on grading v2).

One `zendo grade DIR --jobs 2` batch, through the real command, grades honest learners
beside code that ends its own process with exit code 3, writes outcome lines for
exercise "*", deletes or overwrites the graders, writes into every pipe it can find,
sends SIGSTOP to every process it can see, kills its parent and reads stdin. Each is that
submission's non-passing result with a message the learner can act on (no engine path,
no memory guess, no pytest advice); the batch exits 1 (never 3), the course is untouched,
and each honest result equals its result graded alone. `zendo check` on each such
notebook exits 1 too.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from tests.test_v2_course import COURSE_V2

pytestmark = pytest.mark.slow  # one real batch, then real checks: the proofs of item 1

REPO = Path(__file__).resolve().parents[1]

RIGHT = COURSE_V2 / "solutions" / "01_calc.ipynb"
WRONG_SPLIT = COURSE_V2 / "tests" / "graders" / "wrong" / "calc.split" / "drops_leftover.py"
WRONG_SPLIT_CELL = WRONG_SPLIT.read_text(encoding="utf-8")

# Each hostile calc.split cell, the statuses it may end with, and what its message says.
HOSTILE: dict[str, tuple[str, set[str], str]] = {
    "exit3": (
        "# exercise: calc.split\nimport os\nos._exit(3)\n",
        {"error"},
        "exit code 3",
    ),
    "star": (
        """# exercise: calc.split
import json, os, sys
LINE = json.dumps({"exercise_id": "*", "test": "forged", "status": "error",
                   "message": "The graders of lesson 'calc' are broken"}) + "\\n"
for fd in range(0, 64):
    try:
        os.write(fd, LINE.encode())
    except OSError:
        pass
print(LINE)
print(LINE, file=sys.stderr)

def split(total: int, count: int) -> list[int]:
    return []
""",
        {"error", "fail"},
        "",
    ),
    "graders": (
        """# exercise: calc.split
import os
from pathlib import Path
for root in [Path("__COURSE__"), Path("/proc/1/cwd"), Path("/proc/1/root/tmp")]:
    try:
        found = [path for path in root.rglob("*.py")][:500]
    except OSError:
        found = []
    for path in found:
        try:
            path.write_text("raise SystemExit(3)\\n")
        except OSError:
            pass
        try:
            path.unlink()
        except OSError:
            pass

def split(total: int, count: int) -> list[int]:
    return []
""",
        {"fail"},
        "returned []",
    ),
    "pipes": (
        """# exercise: calc.split
import os
FOLDERS = ["/proc/self/fd"] + [f"/proc/{p}/fd" for p in os.listdir("/proc") if p.isdigit()]
for folder in FOLDERS:
    try:
        names = os.listdir(folder)
    except OSError:
        continue
    for name in names:
        try:
            fd = os.open(f"{folder}/{name}", os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            fd = int(name) if folder == "/proc/self/fd" else -1
        if fd >= 0:
            try:
                os.write(fd, b'{"exercise_id": "*", "status": "error"}\\n' * 100)
            except OSError:
                pass

def split(total: int, count: int) -> list[int]:
    return []
""",
        {"error", "fail"},
        "",
    ),
    "sigstop": (
        """# exercise: calc.split
import os, signal
PIDS = sorted(int(pid) for pid in os.listdir("/proc") if pid.isdigit())
ENGINE = []
OWN = [1, os.getpid()]  # the sandbox's init, this process, and its submission's host
for pid in PIDS:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            line = file.read().replace(b"\\0", b" ")
    except OSError:
        continue
    if b"zendo" in line and (b"grade" in line or b"judge" in line or b"pytest" in line):
        ENGINE.append(pid)
    if pid == os.getppid() and (b" --host " in line or b" --zygote " in line):
        OWN.append(pid)  # a host of its own, or one its worker's zygote forked it
VISIBLE = f"others visible: {[pid for pid in PIDS if pid not in OWN]}, engine: {ENGINE}"
for pid in [*PIDS, os.getppid(), -1]:
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGSTOP)
        except OSError:
            pass

def split(total: int, count: int) -> list[int]:
    raise ValueError(VISIBLE)
""",
        {"fail"},
        "others visible: [], engine: []",
    ),
    "parent": (
        """# exercise: calc.split
import os, signal

def split(total: int, count: int) -> list[int]:
    os.kill(os.getppid(), signal.SIGKILL)
    return []
""",
        {"fail", "error"},
        "",
    ),
    "stdin": (
        """# exercise: calc.split
def split(total: int, count: int) -> list[int]:
    answer = input("How many? ")
    return [int(answer)] * count
""",
        {"fail"},
        "EOFError",
    ),
}
HONEST = {"ada": {}, "bob": {"calc.split": WRONG_SPLIT_CELL}}
# What no learner's message may say: an engine path, a memory guess, pytest's advice.
NEVER = ("most likely for using too much memory", "consider using -s", "site-packages",
         "zendo-judge", str(REPO))  # fmt: skip


def zendo(course: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(course), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def graded(gradebook: Path) -> dict[str, dict[str, object]]:
    """The gradebook's submissions by key, without timings (they differ run to run)."""
    report = json.loads(gradebook.read_text(encoding="utf-8"))
    for submission in report["submissions"]:
        for exercise in submission["exercises"]:
            for test in exercise["tests"]:
                test.pop("duration_seconds")
    return {submission["source"]: submission for submission in report["submissions"]}


@dataclass
class Batch:
    course: Path
    folder: Path
    run: subprocess.CompletedProcess[str]
    results: dict[str, dict[str, object]]
    course_hash_before: str
    tmp: Path


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    tmp = tmp_path_factory.mktemp("faults")
    course = tmp / "course"
    shutil.copytree(COURSE_V2, course)
    before = tree_hash(course)
    folder = tmp / "class"
    cells = {name: {"calc.split": code.replace("__COURSE__", str(course))}
             for name, (code, _, _) in HOSTILE.items()}  # fmt: skip
    for learner, replaced in {**HONEST, **cells}.items():
        (folder / learner).mkdir(parents=True)
        replace_cells(RIGHT, replaced, folder / learner / "01_calc.ipynb")
    gradebook = tmp / "class.json"
    run = zendo(course, "grade", str(folder), "--jobs", "2", "--gradebook", str(gradebook))
    return Batch(course, folder, run, graded(gradebook), before, tmp)


def split_result(batch: Batch, learner: str) -> dict[str, object]:
    submission = batch.results[f"{learner}/01_calc.ipynb"]
    exercises = submission["exercises"]
    assert isinstance(exercises, list)
    return next(exercise for exercise in exercises if exercise["id"] == "calc.split")


def test_the_batch_finishes_with_exit_1_and_a_result_for_everyone(batch: Batch) -> None:
    assert batch.run.returncode == 1, batch.run.stderr[-3000:]
    assert set(batch.results) == {f"{name}/01_calc.ipynb" for name in [*HONEST, *HOSTILE]}
    assert batch.results["ada/01_calc.ipynb"]["status"] == "pass"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_fault_is_its_own_learner_actionable_result(batch: Batch, name: str) -> None:
    _, statuses, says = HOSTILE[name]
    split = split_result(batch, name)
    assert split["status"] in statuses, split
    tests = split["tests"]
    assert isinstance(tests, list)
    messages = " ".join(str(test["message"]) for test in tests) + str(split["message"])
    assert says in messages, messages
    leaked = [text for text in (*NEVER, str(batch.course), str(batch.tmp)) if text in messages]
    assert not leaked, (leaked, messages)
    # Its other exercises are graded as usual: a fault stays in the exercise that made it.
    exercises = batch.results[f"{name}/01_calc.ipynb"]["exercises"]
    assert isinstance(exercises, list)
    others = [exercise for exercise in exercises if exercise["id"] != "calc.split"]
    assert {e["status"] for e in others} == {"pass"}, others


def test_messages_say_what_the_learner_did(batch: Batch) -> None:
    exit3 = str(split_result(batch, "exit3")["tests"][0]["message"])  # type: ignore[index]
    assert exit3.startswith("Your code ended its own process with exit code 3"), exit3
    assert "os._exit()" in exit3
    for name in ("star", "pipes"):
        for test in split_result(batch, name)["tests"]:  # type: ignore[attr-defined]
            if test["status"] == "error":
                assert test["message"].startswith("Your code's process sent the grading an answer")


def test_the_course_is_untouched(batch: Batch) -> None:
    assert tree_hash(batch.course) == batch.course_hash_before


def test_honest_results_equal_their_results_graded_alone(batch: Batch) -> None:
    for learner in HONEST:
        alone = batch.tmp / f"alone-{learner}.json"
        run = zendo(batch.course, "grade", str(batch.folder / learner), "--gradebook", str(alone))
        assert run.returncode in (0, 1), run.stderr
        [(key, result)] = graded(alone).items()
        assert batch.results[key] == result, learner


def test_zendo_check_on_each_hostile_notebook_exits_1(batch: Batch) -> None:
    for name in HOSTILE:
        notebook = batch.folder / name / "01_calc.ipynb"
        run = zendo(batch.course, "check", "calc.split", "--notebook", str(notebook))
        assert run.returncode == 1, (name, run.stdout, run.stderr)
        assert not [text for text in NEVER if text in run.stdout + run.stderr], name


def test_broken_v2_graders_end_the_batch_with_exit_3_naming_the_course(
    batch: Batch, tmp_path: Path
) -> None:
    """Exit 3 stays for the course's faults, found by a run without learner code."""
    course = tmp_path / "course"
    shutil.copytree(batch.course, course)
    grader = course / "tests" / "graders" / "test_01_calc.py"
    grader.write_text(grader.read_text(encoding="utf-8") + "\ndef broken(:\n", encoding="utf-8")
    run = zendo(course, "grade", str(batch.folder / "ada"), "--jobs", "2")
    assert run.returncode == 3, run.stderr
    assert "The graders of lesson 'calc' could not run" in run.stderr
    assert "SyntaxError" in run.stderr
