"""A worker's zygote forks each submission a host that starts as in a sandbox of its own.

Real bubblewrap, real namespaces, real `zendo grade`: a submission forked by the zygote
must see what a host booted in bubblewrap of its own sees (no file, process,
key or mount of the submission before it), must not reach the zygote or the folders of
other submissions, and a zygote that is gone must hand over to sandboxes of their own.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from tests.test_v2_course import COURSE_V2
from zendo.judge import zygote
from zendo.judge.client import Learner
from zendo.judge.sandbox import Isolation, SandboxDied, SandboxLimits, keyring_filter
from zendo.judge.sandbox_host import SandboxHost
from zendo.judge.zygote import ZygoteHost

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None or keyring_filter() is None,
    reason="the zygote runs in bubblewrap on x86_64 or aarch64: apt-get install bubblewrap",
)

# What one submission's code leaves behind, and what the next one can see of it.
MARKS = """\
import ctypes, os, signal, socket, subprocess, sys

def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True

SEEN = sorted(os.listdir("/tmp") + os.listdir("/dev/shm") + os.listdir("/shared"))
PROCESSES = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
SIGNALLABLE = [pid for pid in range(1, 300) if alive(pid)]
for folder in ("/tmp", "/dev/shm", "/shared"):
    with open(os.path.join(folder, "mark"), "w") as mark:
        mark.write("left behind")
# A process that outlives this exercise's own, in a session of its own.
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True)
libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY = 248 if os.uname().machine == "x86_64" else 217
KEY = [libc.syscall(ADD_KEY, b"user", b"mark", b"x", 1, -4), ctypes.get_errno()]
LISTENER = socket.socket()
LISTENER.bind(("127.0.0.1", 0))


def seen():
    return {
        "files": SEEN,
        "processes": PROCESSES,
        "signallable": SIGNALLABLE,
        "key": KEY,
        "me": [os.getpid(), os.getppid(), os.getuid(), os.getcwd(), os.uname().nodename],
    }


def reach():
    found = {}
    for path in ("/", "/dev", "/run/zendo", "/submission"):
        try:
            with open(os.path.join(path, "written"), "w"):
                found[path] = "written"
        except OSError as error:
            found[path] = error.errno
    for folder in ("/run/zendo/jobs", "/run/zendo/machine-proc"):
        found[folder] = os.listdir(folder)
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status if ":" in line)
    for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp"):
        found[name] = fields[name].strip()
    return found


def end_everything():
    os.kill(-1, signal.SIGKILL)
"""


@pytest.fixture
def forking() -> Iterator[zygote.Zygote]:
    zygote.start(SandboxLimits(), Isolation.BUBBLEWRAP)
    made = zygote.ZYGOTE
    assert made is not None
    try:
        yield made
    finally:
        zygote.stop()


def one_submission(module: str) -> tuple[SandboxHost, Learner]:
    host = SandboxHost(SandboxLimits(), Isolation.BUBBLEWRAP)
    return host, Learner(sandbox=host.sandbox_for(module, MARKS), budget_seconds=5.0)


def test_each_submission_it_forks_sees_what_a_sandbox_of_its_own_sees(
    forking: zygote.Zygote,
) -> None:
    reports = []
    for number in range(3):
        host, learner = one_submission(f"submission_{number}")
        assert isinstance(host.started(), ZygoteHost)
        reports.append(learner.call("seen").value)
        host.close()
    zygote.stop()
    alone, learner = one_submission("in_bubblewrap")
    assert not isinstance(alone.started(), ZygoteHost)
    booted = learner.call("seen").value
    alone.close()
    clean = {
        "files": [],
        "processes": [1, 2, 3],  # pid 1 (its init), 2 (its host), 3 (this exercise)
        "signallable": [1, 2, 3],
        "key": [-1, 1],  # EPERM: the keyrings are one user namespace's, so nobody's
        "me": [3, 2, 65534 if os.geteuid() == 0 else os.getuid(), "/tmp", "sandbox"],  # noqa: S108
    }
    assert reports == [clean, clean, clean]
    assert booted == clean


def test_a_submission_reaches_neither_the_zygote_nor_the_next_submission(
    forking: zygote.Zygote,
) -> None:
    host, hostile = one_submission("hostile")
    reached = hostile.call("reach").value
    assert reached["/"] == reached["/dev"] == reached["/run/zendo"] == 30  # EROFS
    assert reached["/submission"] == 30
    assert reached["/run/zendo/jobs"] == reached["/run/zendo/machine-proc"] == []
    for name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(reached[name], 16) == 0, (name, reached[name])
    assert reached["NoNewPrivs"] == "1"
    assert reached["Seccomp"] == "2"
    # Every process it can signal: its own host (then its whole submission), not the zygote.
    with contextlib.suppress(SandboxDied):
        hostile.call("end_everything").value  # noqa: B018
    host.close()
    assert forking.alive()
    after, learner = one_submission("after_the_hostile_one")
    assert isinstance(after.started(), ZygoteHost)
    assert learner.call("seen").value["files"] == []
    after.close()


def test_hosts_start_in_bubblewrap_of_their_own_once_the_zygote_is_gone(
    forking: zygote.Zygote,
) -> None:
    process = forking.sandbox.process
    assert process is not None
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)
    host, learner = one_submission("without_the_zygote")
    assert not isinstance(host.started(), ZygoteHost)
    assert learner.call("seen").value["files"] == []
    host.close()


def test_a_zygote_that_cannot_set_up_a_submission_is_given_up_for_a_host_of_its_own(
    forking: zygote.Zygote,
) -> None:
    # The zygote is sent a job whose folder is not there: its pid 1 cannot mount it.
    elsewhere = forking.sandbox.folder / "jobs" / "elsewhere"
    (elsewhere / "submission").mkdir(parents=True)
    (elsewhere / "shared").mkdir()
    forking.job_folder = lambda: ("0" * 16, elsewhere)  # type: ignore[method-assign]
    host, learner = one_submission("after_a_fault")
    assert not isinstance(host.started(), ZygoteHost)
    assert "could not set up a submission's sandbox" in forking.broken
    assert learner.call("seen").value["files"] == []
    host.close()


def test_a_head_start_s_zygote_outlives_its_thread_and_its_host_serves_the_first_job() -> None:
    head_start = zygote.HeadStart(SandboxLimits(), Isolation.BUBBLEWRAP)
    try:
        first = head_start.finish(SandboxLimits(), Isolation.BUBBLEWRAP)
        assert first is not None
        host = SandboxHost(SandboxLimits(), Isolation.BUBBLEWRAP, started=first)
        learner = Learner(sandbox=host.sandbox_for("first_job", MARKS), budget_seconds=5.0)
        assert learner.call("seen").value["processes"] == [1, 2, 3]
        host.close()
        # The thread that started the zygote has ended; the zygote serves on.
        assert zygote.ZYGOTE is not None
        assert zygote.ZYGOTE.alive()
        second, learner = one_submission("second_job")
        assert isinstance(second.started(), ZygoteHost)
        assert learner.call("seen").value["files"] == []
        second.close()
    finally:
        zygote.stop()


def test_a_head_start_whose_host_nobody_takes_closes_it() -> None:
    # No job came, or one whose protocol runs on stdio: the first host must not run on.
    head_start = zygote.HeadStart(SandboxLimits(), Isolation.BUBBLEWRAP)
    try:
        head_start.cancel()
        assert zygote.ZYGOTE is not None
        assert list((zygote.ZYGOTE.sandbox.folder / "jobs").iterdir()) == []
    finally:
        zygote.stop()


def test_a_first_job_with_other_limits_gets_a_zygote_of_its_own_limits() -> None:
    head_start = zygote.HeadStart(SandboxLimits(), Isolation.BUBBLEWRAP)
    other = SandboxLimits(memory_mb=1024)
    try:
        assert head_start.finish(other, Isolation.BUBBLEWRAP) is None
        assert zygote.ZYGOTE is not None
        assert zygote.ZYGOTE.serves(other, Isolation.BUBBLEWRAP)
    finally:
        zygote.stop()


REPORTER = """# exercise: calc.split
import os

SEEN = sorted(os.listdir("/tmp") + os.listdir("/dev/shm") + os.listdir("/shared"))
PROCESSES = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
with open("/proc/2/cmdline", "rb") as command:
    HOST = "zygote" if b" --zygote " in command.read().replace(b"\\0", b" ") else "own"
for folder in ("/tmp", "/dev/shm", "/shared"):
    with open(os.path.join(folder, "mark"), "w") as mark:
        mark.write("left behind")


def split(total: int, count: int) -> list[int]:
    raise ValueError(f"host={HOST} seen={SEEN} processes={PROCESSES}")
"""


def test_a_batch_forks_every_submission_from_its_worker_s_zygote(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    for learner in ("ada", "bob", "cy", "dee"):
        (folder / learner).mkdir(parents=True)
        replace_cells(
            COURSE_V2 / "solutions" / "01_calc.ipynb",
            {"calc.split": REPORTER},
            folder / learner / "01_calc.ipynb",
        )
    gradebook = tmp_path / "class.json"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "zendo", "--course", str(COURSE_V2), "grade", str(folder)),
            *("--jobs", "1", "--gradebook", str(gradebook)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-3000:]
    report = json.loads(gradebook.read_text(encoding="utf-8"))
    said = []
    for submission in report["submissions"]:
        split = next(e for e in submission["exercises"] if e["id"] == "calc.split")
        messages = (test["message"].split(" raised ValueError: ")[-1] for test in split["tests"])
        said.append({message.split(" (at line")[0] for message in messages})
    clean = "host=zygote seen=[] processes=[1, 2, 3]"
    assert said == [{clean}] * 4


HOST_PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
from test_v2_zygote_marks import MARKS
from zendo.judge import zygote
from zendo.judge.client import Learner
from zendo.judge.sandbox import Isolation, SandboxLimits
from zendo.judge.sandbox_host import SandboxHost

zygote.start(SandboxLimits(), Isolation.BUBBLEWRAP)
report = []
for number in range(2):
    host = SandboxHost(SandboxLimits(), Isolation.BUBBLEWRAP)
    learner = Learner(sandbox=host.sandbox_for(f"submission_{number}", MARKS), budget_seconds=5.0)
    seen = learner.call("seen").value
    report.append([type(host.started()).__name__, seen["files"], seen["processes"], seen["key"]])
    host.close()
zygote.stop()
print(json.dumps(report))
"""


def test_the_zygote_works_the_same_for_an_unprivileged_user() -> None:
    from tests.test_v2_sandbox import run_unprivileged

    done = run_unprivileged(HOST_PROBE, {"test_v2_zygote_marks.py": f"MARKS = {MARKS!r}\n"})
    assert done.returncode == 0, done.stderr
    clean = ["ZygoteHost", [], [1, 2, 3], [-1, 1]]
    assert json.loads(done.stdout) == [clean, clean]


def test_both_sides_name_the_zygote_s_folders_alike() -> None:
    # The observer imports nothing of zendo, so each side spells the paths out.
    from zendo.judge import sandbox
    from zendo.observer import zygote as inside

    assert inside.JOBS == sandbox.SANDBOX_JOBS
    assert inside.MACHINE_PROC == sandbox.SANDBOX_MACHINE_PROC
    assert (inside.SUBMISSION, inside.SHARED) == (
        sandbox.SANDBOX_SUBMISSION,
        sandbox.SANDBOX_SHARED,
    )
    assert (inside.TMP, inside.SHM) == (sandbox.SANDBOX_TMP, sandbox.SANDBOX_SHM)
