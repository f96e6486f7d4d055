"""One sandbox per submission: its host forks each exercise a process that starts clean.

Real bubblewrap sandboxes, real forks: each exercise's process must start as in a sandbox
of its own (no process, file or module state of the exercise before), a timeout or a
crash ends only that exercise's process, and a host that learner code stopped or killed
is replaced before the next exercise, which then passes as it would alone.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from collections.abc import Iterator

import pytest

from zendo.judge.client import Learner
from zendo.judge.sandbox import Isolation, SandboxDied, SandboxLimits, SandboxTimeout
from zendo.judge.sandbox_host import SandboxHost

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="the host runs in bubblewrap: apt-get install bubblewrap"
)

MARKS = """\
import os, subprocess, sys

SEEN = sorted(os.listdir("/tmp") + os.listdir("/shared"))
OTHERS = sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid(), os.getppid()))
for folder in ("/tmp", "/shared"):
    with open(os.path.join(folder, "mark"), "w") as mark:
        mark.write("left behind")
os.makedirs("/tmp/deep/er", exist_ok=True)
os.symlink("/run/zendo", "/tmp/link-out")
# A process that outlives this exercise's own, in a session of its own.
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
STATE = []


def seen():
    return {"files": SEEN, "others": OTHERS, "state": STATE}


def remember(value):
    STATE.append(value)
    return len(STATE)


def spin():
    while True:
        pass


def leave():
    os._exit(3)
"""


@pytest.fixture
def host() -> Iterator[SandboxHost]:
    made = SandboxHost(SandboxLimits(), Isolation.BUBBLEWRAP, preload=("json",))
    try:
        yield made
    finally:
        made.close()


def exercise(host: SandboxHost, module: str, source: str = MARKS) -> Learner:
    return Learner(sandbox=host.sandbox_for(module, source), budget_seconds=2.0)


def test_each_exercise_starts_with_no_file_process_or_state_of_the_one_before(
    host: SandboxHost,
) -> None:
    first = exercise(host, "first_exercise")
    assert first.call("seen").value == {"files": [], "others": [], "state": []}
    assert first.call("remember", 1).value == 1
    second = exercise(host, "second_exercise")
    assert second.call("seen").value == {"files": [], "others": [], "state": []}
    assert second.output() == ""
    first.close()
    second.close()


def test_a_timeout_ends_only_that_exercise_and_the_host_forks_the_next(host: SandboxHost) -> None:
    slow = exercise(host, "slow_exercise")
    with pytest.raises(SandboxTimeout):
        slow.call("spin").value  # noqa: B018
    host_process = host.process
    after = exercise(host, "after_timeout")
    assert after.call("remember", "x").value == 1
    assert host.process is host_process  # the same sandbox: only the child was killed
    gone = exercise(host, "leaves")
    with pytest.raises(SandboxDied, match="exit code 3"):
        gone.call("leave").value  # noqa: B018
    assert exercise(host, "after_exit").call("remember", "y").value == 1


def test_a_message_sent_ahead_has_its_answer_read_before_the_next_one(
    host: SandboxHost,
) -> None:
    # A spare's preload is sent without waiting; the next control message must get its
    # own answer, not the preload's.
    sandbox = host.started()
    sandbox.send_control({"op": "preload", "modules": ["decimal"]})
    sandbox.send_control({"op": "preload", "modules": ["no_such_module_here"]})
    assert sandbox.control({"op": "preload", "modules": ["fractions"]}, [], 10.0) == {
        "ok": ["fractions"]
    }
    assert exercise(host, "after_ahead", "import decimal\nX = 1\n").get("X").value == 1


def test_a_greeted_exercise_needs_no_hello_and_a_closed_one_leaves_nothing(
    host: SandboxHost,
) -> None:
    first = Learner(
        sandbox=host.sandbox_for("greeted_first", MARKS),
        budget_seconds=2.0,
        greeted=True,
        preloaded=host.preload,
    )
    assert first.call("remember", 1).value == 1
    first.close()  # its pipes close: no kill round trip
    second = exercise(host, "greeted_second")
    assert second.call("seen").value == {"files": [], "others": [], "state": []}


def test_a_child_forked_ahead_serves_the_first_exercise_as_a_fork_on_demand_would(
    host: SandboxHost,
) -> None:
    host.started()
    host.fork_ahead()  # as a spare's standby does, before the submission is known
    ahead = host.sandbox_for("ahead_first", MARKS)
    assert ahead.process is not None  # forked already: no fork when the exercise starts
    first = Learner(sandbox=ahead, budget_seconds=2.0, greeted=True, preloaded=host.preload)
    assert first.call("seen").value == {"files": [], "others": [], "state": []}
    assert first.call("remember", 1).value == 1
    first.close()
    on_demand = host.sandbox_for("forked_second", MARKS)
    assert on_demand.process is None  # only the first exercise's child is forked ahead
    second = Learner(sandbox=on_demand, budget_seconds=2.0, greeted=True)
    assert second.call("seen").value == {"files": [], "others": [], "state": []}
    second.close()


def test_a_child_forked_ahead_that_ended_is_replaced_by_a_fork_on_demand(
    host: SandboxHost,
) -> None:
    host.started()
    host.fork_ahead()
    ahead = host._ahead
    assert ahead is not None
    # Ended behind the judge's back (no learner code has run yet; a crash might do it).
    host.started().control({"op": "kill", "child": ahead._child}, [], 5.0)
    replaced = host.sandbox_for("after_ahead_ended", MARKS)
    assert replaced.process is None  # the exercise forks its own child
    learner = Learner(sandbox=replaced, budget_seconds=2.0, greeted=True)
    assert learner.call("seen").value == {"files": [], "others": [], "state": []}
    learner.close()


@pytest.mark.parametrize("attack", ["SIGSTOP", "SIGKILL"])
def test_a_host_stopped_or_killed_by_learner_code_is_replaced(
    host: SandboxHost, attack: str
) -> None:
    hostile = exercise(
        host,
        "hostile_exercise",
        f"import os, signal\nos.kill(os.getppid(), signal.{attack})\nDONE = True\n",
    )
    if attack == "SIGSTOP":
        assert hostile.get("DONE").value is True  # its own process goes on
    else:  # the sandbox ends with its host, soon this exercise's process too: its own doing
        with contextlib.suppress(SandboxDied):
            hostile.get("DONE").value  # noqa: B018
    before = host.process
    honest = exercise(host, "honest_exercise")
    assert honest.call("seen").value == {"files": [], "others": [], "state": []}
    assert host.process is not before  # a new sandbox for the exercises after it


HOST_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from test_v2_sandbox_host_marks import MARKS
from zendo.judge.client import Learner
from zendo.judge.sandbox import Isolation, SandboxLimits, SandboxTimeout
from zendo.judge.sandbox_host import SandboxHost

host = SandboxHost(SandboxLimits(), Isolation.BUBBLEWRAP)
report = {}
first = Learner(sandbox=host.sandbox_for("first_exercise", MARKS), budget_seconds=2.0)
report["first"] = first.call("seen").value
try:
    first.call("spin").value
except SandboxTimeout:
    report["timeout"] = True
second = Learner(sandbox=host.sandbox_for("second_exercise", MARKS), budget_seconds=2.0)
report["second"] = second.call("seen").value
second.close()
host.close()
print(json.dumps(report))
"""


def test_the_host_works_the_same_for_an_unprivileged_user() -> None:
    from tests.test_v2_sandbox import run_unprivileged

    marks = {"test_v2_sandbox_host_marks.py": f"MARKS = {MARKS!r}\n"}
    done = run_unprivileged(HOST_PROBE, marks)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    clean = {"files": [], "others": [], "state": []}
    assert report == {"first": clean, "timeout": True, "second": clean}
