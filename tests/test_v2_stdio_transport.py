"""The sandbox protocol over stdin and stdout: the path Windows takes, forced on Linux.

Windows cannot pass extra pipes to a child (`pass_fds` is POSIX-only) and cannot
`select` on pipes, so there the observer answers on its own stdin and stdout and the
judge reads them from threads (`zendo.judge.stdio_channel`). These tests force that
transport on Linux, in bubblewrap and in a plain process, and hold it to what the fd
transport promises: answers arrive, learner prints never reach the protocol, limits hold
from outside, nothing survives. The last test grades the v2 fixture course's reference and starter through
`judge_lesson` with the transport forced.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.test_v2_sandbox import processes_with
from zendo._course import load_course
from zendo._extract import extract_from_notebook
from zendo._limits import Limits
from zendo.judge import Learner, SandboxDied, SandboxTimeout
from zendo.judge import sandbox as sandbox_module
from zendo.judge.lesson import judge_lesson
from zendo.judge.sandbox import Isolation, Sandbox, SandboxLimits, choose_isolation

ISOLATIONS = [
    pytest.param(Isolation.BUBBLEWRAP, id="bubblewrap"),
    pytest.param(Isolation.NONE, id="plain-process"),
]
Start = Callable[[str, float], Learner]
COURSE_V2 = Path(__file__).parent / "fixtures" / "course_v2"
IDS = ["calc.split", "calc.money", "calc.typed"]


@pytest.fixture(params=ISOLATIONS)
def start(request: pytest.FixtureRequest) -> Iterator[Start]:
    isolation: Isolation = request.param
    if isolation is Isolation.BUBBLEWRAP and not shutil.which("bwrap"):
        pytest.fail("bubblewrap is missing: `make test` installs it (apt-get install bubblewrap)")
    started: list[Learner] = []

    def make(source: str, budget: float = 5.0) -> Learner:
        sandbox = Sandbox(
            module="learner_code",
            source=source,
            limits=SandboxLimits(),
            isolation=isolation,
            stdio=True,
        )
        learner = Learner(sandbox=sandbox, budget_seconds=budget)
        started.append(learner)
        learner.start()
        return learner

    yield make
    for learner in started:
        learner.close()


def test_calls_are_answered_and_prints_stay_out_of_the_protocol(start: Start) -> None:
    learner = start(
        "import os, sys\n"
        "print('loading')\n"
        "def add(a, b):\n"
        "    print('adding', a, b)\n"
        '    os.write(1, b\'{"fake": "answer"}\\n\')\n'
        "    sys.stdout.flush()\n"
        "    return a + b\n",
        5.0,
    )
    assert learner.call("add", 2, 3).value == 5
    assert learner.call("add", 40, 2).value == 42
    assert '{"fake": "answer"}' in learner.sandbox.output()


def test_an_endless_loop_times_out_within_a_second_of_its_budget(start: Start) -> None:
    learner = start(
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "def spin():\n    while True:\n        pass\n",
        1.0,
    )
    began = time.monotonic()
    with pytest.raises(SandboxTimeout):
        learner.call("spin")
    assert time.monotonic() - began < 2.0
    assert learner.sandbox.process is not None
    assert learner.sandbox.process.poll() is not None  # killed, not left spinning


def test_a_process_that_exits_or_closes_its_pipes_is_reported_as_gone(start: Start) -> None:
    leaving = start("import os\ndef leave():\n    os._exit(3)\n", 5.0)
    with pytest.raises(SandboxDied, match="exit code 3"):
        leaving.call("leave")
    closing = start(
        "import os\ndef close_all():\n    for fd in range(64):\n"
        "        try:\n            os.close(fd)\n        except OSError:\n            pass\n"
        "    return 1\n",
        5.0,
    )
    began = time.monotonic()
    with pytest.raises((SandboxDied, SandboxTimeout)):
        closing.call("close_all")
    assert time.monotonic() - began < 6.5


def test_an_answer_past_the_protocol_cap_ends_the_sandbox(start: Start) -> None:
    learner = start(
        "import os\ndef flood():\n"
        "    fd = max(range(3, 64), key=lambda n: _writable(n))\n"
        "    os.write(fd, b'x' * 17_000_000)\n"
        "def _writable(n):\n"
        "    try:\n        os.fstat(n)\n        return n\n    except OSError:\n        return -1\n",
        10.0,
    )
    with pytest.raises(SandboxDied, match="larger than the protocol allows"):
        learner.call("flood")


# Without a sandbox a setsid orphan escapes the process group whatever the transport
# (the platform table in docs/grading-protocol.md says so): bubblewrap's PID namespace only.
@pytest.mark.parametrize("start", [Isolation.BUBBLEWRAP], indirect=True, ids=["bubblewrap"])
def test_no_process_survives_the_sandbox(start: Start) -> None:
    marker = f"zendo-stdio-orphan-{time.monotonic_ns()}"
    learner = start(
        "import subprocess, sys\n"
        "def orphan():\n"
        f"    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', "
        f"'{marker}'], start_new_session=True)\n"
        "    return True\n",
        5.0,
    )
    assert learner.call("orphan").value is True
    learner.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and processes_with(marker):
        time.sleep(0.05)
    assert processes_with(marker) == []


def test_a_lesson_grades_the_same_over_stdio(tmp_path: Path) -> None:
    """The v2 fixture course, judged with the transport forced: same outcomes as over fds."""
    root = tmp_path / "course"
    shutil.copytree(COURSE_V2, root)
    course = load_course(root)
    timeouts = {exercise.id: exercise.timeout_seconds for exercise in course.exercises}
    grader = root / "tests" / "graders" / "test_01_calc.py"
    choose_isolation()  # fails here, not inside the judge, if no sandbox is allowed

    def outcomes(notebook: Path, stdio: bool) -> dict[str, str]:
        sources = extract_from_notebook(notebook, IDS)
        run = judge_lesson([grader], sources, timeouts, Limits(), stdio=stdio)
        assert run.fate == "finished", run.detail
        return {outcome.test: outcome.status.value for outcome in run.outcomes}

    reference = outcomes(root / "solutions" / "01_calc.ipynb", stdio=True)
    assert set(reference.values()) == {"pass"}
    starter = root / "exercises" / "01_calc.ipynb"
    over_stdio = outcomes(starter, stdio=True)
    assert "pass" not in set(over_stdio.values())
    assert over_stdio == outcomes(starter, stdio=False)


def test_on_windows_grading_runs_unsandboxed_over_stdio(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `win32` selects: no sandbox (said once, plainly) and the stdio transport."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sandbox_module, "_warned", False)
    assert sandbox_module.stdio_needed() is True
    assert choose_isolation() is Isolation.NONE
    assert "no sandbox here" in capsys.readouterr().err
    assert Sandbox(module="m", source="").stdio is True
