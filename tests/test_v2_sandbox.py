"""The v2 sandbox: limits from outside, nothing survives, nothing leaks, root and not.

Real bubblewrap sandboxes, real processes, real sockets. Times are measured around the
judge's own calls: a limit "holds" when the call returns within the budget plus a second.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from zendo.judge import Learner, SandboxDied, SandboxTimeout
from zendo.judge import sandbox as sandbox_module
from zendo.judge.sandbox import (
    Isolation,
    Sandbox,
    SandboxLimits,
    SandboxUnavailable,
    choose_isolation,
)

REPO = Path(__file__).resolve().parents[1]
Start = Callable[..., Learner]


@pytest.fixture
def start() -> Iterator[Start]:
    started: list[Learner] = []

    def make(
        source: str,
        budget: float = 5.0,
        limits: SandboxLimits | None = None,
        isolation: Isolation | None = None,
    ) -> Learner:
        sandbox = Sandbox(
            module="learner_code",
            source=source,
            limits=limits or SandboxLimits(),
            isolation=isolation or choose_isolation(),
        )
        learner = Learner(sandbox=sandbox, budget_seconds=budget)
        started.append(learner)
        learner.start()
        return learner

    yield make
    for learner in started:
        learner.close()


def processes_with(token: str) -> list[int]:
    """Host pids whose command line contains `token`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def timed(call: Callable[[], object]) -> float:
    began = time.monotonic()
    call()
    return time.monotonic() - began


HOSTILE = """
import os, signal, socket, sys, time

def spin():
    for name in ("SIGALRM", "SIGTERM", "SIGINT", "SIGHUP"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    while True:
        pass

def stop_myself():
    os.kill(os.getpid(), signal.SIGSTOP)
    return "resumed"

def stop_parent():
    os.kill(os.getppid(), signal.SIGSTOP)
    return os.getppid()

def recurse():
    sys.setrecursionlimit(10**7)
    def deeper(n):
        return deeper(n + 1) + 1
    return deeper(0)

def leave():
    os._exit(0)

def orphans(token):
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", token])
        os._exit(0)
    os.waitpid(child, 0)
    return True

def allocate(megabytes):
    return len(bytearray(megabytes * 1024 * 1024))

def fork_bomb():
    started = 0
    try:
        for _ in range(500):
            if os.fork() == 0:
                time.sleep(600)
                os._exit(0)
            started += 1
    except OSError as error:
        return ["refused", started, type(error).__name__]
    return ["all", started]

def connect(port):
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return "connected"

def secrets_visible():
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            for name in ("environ", "cmdline"):
                try:
                    with open(f"/proc/{pid}/{name}", "rb") as file:
                        found.append(file.read().decode("utf-8", "replace"))
                except OSError:
                    pass
    return [sorted(p for p in os.listdir("/proc") if p.isdigit()), "\\n".join(found)]

def write_tmp(name):
    with open("/tmp/" + name, "w") as file:
        file.write("mine")
    return sorted(os.listdir("/tmp"))

def who():
    return [os.getuid(), os.getgid()]
"""


def test_an_endless_loop_ignoring_signals_times_out_within_a_second(start: Start) -> None:
    learner = start(HOSTILE, budget=1.5)
    began = time.monotonic()
    with pytest.raises(SandboxTimeout, match=r"did not finish within 1\.5 seconds"):
        learner.call("spin")
    assert time.monotonic() - began < 1.5 + 1
    with pytest.raises(SandboxTimeout):  # the exercise stays timed out
        learner.call("who")


def test_sigstop_to_itself_times_out_and_to_its_parent_is_ignored(start: Start) -> None:
    learner = start(HOSTILE, budget=1.5)
    assert learner.call("stop_parent").value == 1  # the namespace's init, not the judge
    assert learner.call("who").ok
    with pytest.raises(SandboxTimeout):
        learner.call("stop_myself")


def test_deep_recursion_and_os_exit_never_pass_and_end_within_the_limit(start: Start) -> None:
    learner = start(HOSTILE, budget=2.0)
    began = time.monotonic()
    try:
        observed = learner.call("recurse")
    except (SandboxDied, SandboxTimeout):
        pass  # the stack or the memory cap ended it, or the clock did
    else:
        assert observed.raised is not None
        assert observed.raised.is_a(RecursionError, MemoryError)
    assert time.monotonic() - began < 2.0 + 1
    with pytest.raises(SandboxDied, match="exit code 0"):
        start(HOSTILE).call("leave")


def test_no_process_survives_its_sandbox(start: Start) -> None:
    token = f"zendo-orphan-{os.getpid()}-{time.monotonic_ns()}"
    learner = start(HOSTILE)
    assert learner.call("orphans", token).value is True
    deadline = time.monotonic() + 2
    while not processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert processes_with(token), "the orphan should be running while the sandbox lives"
    learner.close()
    deadline = time.monotonic() + 2
    while processes_with(token) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(token) == []


def test_memory_and_processes_are_capped(start: Start) -> None:
    limits = SandboxLimits(memory_mb=512, max_processes=16)
    learner = start(HOSTILE, limits=limits)
    assert learner.call("allocate", 50).value == 50 * 1024 * 1024
    too_much = learner.call("allocate", 1024)
    assert too_much.raised is not None
    assert too_much.raised.is_a(MemoryError)
    outcome = learner.call("fork_bomb").value
    assert outcome[0] == "refused", outcome
    assert outcome[1] < 16, outcome
    learner.close()


def test_there_is_no_network(start: Start) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        observed = start(HOSTILE).call("connect", server.getsockname()[1])
        assert observed.raised is not None
        assert observed.raised.is_a(OSError)
        with pytest.raises(BlockingIOError):
            server.accept()


def test_the_engines_environment_and_paths_are_invisible(
    start: Start, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENDO_TEST_SECRET", "hunter2-do-not-leak")
    pids, seen = start(HOSTILE).call("secrets_visible").value
    assert pids == ["1", "2"]  # bubblewrap's init and the observer: nothing of the host
    assert "hunter2" not in seen
    assert str(REPO) not in seen  # no host path of the engine, the course or the venv


def test_each_sandbox_has_its_own_private_tmp(start: Start) -> None:
    assert start(HOSTILE).call("write_tmp", "first").value == ["first"]
    assert start(HOSTILE).call("write_tmp", "second").value == ["second"]


def test_as_root_the_learner_runs_unprivileged(start: Start) -> None:
    uid, gid = start(HOSTILE).call("who").value
    if os.geteuid() == 0:
        assert (uid, gid) == (65534, 65534)
    else:
        assert uid == os.getuid()


PROBE = """
import json, os, sys, time
from zendo.judge import Learner, SandboxTimeout
from zendo.judge.sandbox import Sandbox, SandboxLimits
source = open(sys.argv[1] + "/hostile.py").read()
token = sys.argv[2]
learner = Learner(Sandbox(module="learner_code", source=source,
                          limits=SandboxLimits(max_processes=16)), budget_seconds=2.0)
learner.start()
report = {"uid": os.getuid(), "inside": learner.call("who").value,
          "orphans": learner.call("orphans", token).value,
          "fork_bomb": learner.call("fork_bomb").value}
began = time.monotonic()
try:
    learner.call("spin")
except SandboxTimeout:
    report["timeout_after"] = time.monotonic() - began
learner.close()
print(json.dumps(report))
"""


UNPRIVILEGED_USER = "zendo-sandbox-test"


def ensure_user(user: str) -> None:
    """Create an unprivileged system user (we are root) unless it exists."""
    if subprocess.run(["id", user], capture_output=True, check=False).returncode:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
            check=True,
        )


def unprivileged_python(user: str) -> str:
    """A Python of this version the unprivileged user can run (the venv's may sit in /root)."""
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for candidate in (sys.executable, f"/usr/bin/python{version}"):
        probe = subprocess.run(
            ["runuser", "-u", user, "--", candidate, "-c", "pass"],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            return candidate
    raise AssertionError(
        f"No Python {version} that {user} can run; install Debian's python3 or put the "
        "venv where other users can read it."
    )


def run_unprivileged(
    probe: str, files: dict[str, str], *arguments: str
) -> subprocess.CompletedProcess[str]:
    """Run the Python source `probe` as an unprivileged user (as that user when we are
    root, else as ourselves), with zendo and the site-packages importable, in a folder of
    its own that also holds `files` (name to text): its arguments are that folder, then
    `arguments`."""
    folder = Path(tempfile.mkdtemp(prefix="zendo-unprivileged-"))
    folder.chmod(0o755)  # the user must read the probe: pytest's own folders are private
    (folder / "probe.py").write_text(probe, encoding="utf-8")
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    site = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), *site]))
    command = [sys.executable]
    if os.geteuid() == 0:
        ensure_user(UNPRIVILEGED_USER)
        command = ["runuser", "-u", UNPRIVILEGED_USER, "--", unprivileged_python(UNPRIVILEGED_USER)]
    try:
        return subprocess.run(
            [*command, str(folder / "probe.py"), str(folder), *arguments],
            capture_output=True,
            text=True,
            env=env,
            cwd=folder,
            timeout=60,
            check=False,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_sandbox_works_for_an_unprivileged_user() -> None:
    token = f"zendo-orphan-unprivileged-{time.monotonic_ns()}"
    done = run_unprivileged(PROBE, {"hostile.py": HOSTILE}, token)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["uid"] != 0
    assert report["inside"][0] == report["uid"]
    assert report["orphans"] is True
    assert report["fork_bomb"][0] == "refused"
    assert report["timeout_after"] < 2.0 + 1
    time.sleep(0.2)
    assert processes_with(token) == []


def test_without_bubblewrap_grading_refuses_or_says_it_runs_unconfined(
    start: Start,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.fail("This test describes Linux behaviour; run it on Linux.")
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no bwrap on the path
    monkeypatch.delenv(sandbox_module.ALLOW_UNSANDBOXED_ENV, raising=False)
    monkeypatch.setattr(sandbox_module, "_warned", False)
    monkeypatch.setattr(sandbox_module, "_running_as_root", lambda: True)
    with pytest.raises(SandboxUnavailable, match="apt-get install -y bubblewrap"):
        choose_isolation()  # root: refused, with the command that installs bubblewrap
    assert choose_isolation(allow_unsandboxed=True) is Isolation.NONE
    assert choose_isolation(allow_unsandboxed=True) is Isolation.NONE
    # An ordinary user (a learner on a laptop) is graded without a sandbox, told once.
    monkeypatch.setattr(sandbox_module, "_running_as_root", lambda: False)
    assert choose_isolation() is Isolation.NONE
    assert capsys.readouterr().err.count("learner code runs") == 1
    monkeypatch.setenv("PATH", os.defpath)
    learner = start(HOSTILE, budget=1.5, isolation=Isolation.NONE)
    assert learner.call("who").value == [os.getuid(), os.getgid()]
    with pytest.raises(SandboxTimeout):
        learner.call("spin")
