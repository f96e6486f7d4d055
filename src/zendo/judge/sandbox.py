"""Start, talk to and kill one sandboxed observer process: the only place learner code runs.

On Linux with bubblewrap, the observer runs with `--unshare-all` (no network, its own
PID, IPC and UTS namespaces), `--die-with-parent` and `--new-session`, seeing only
read-only binds of the Python installation, the site-packages folders, the observer
package and this submission's own source, a private size-capped tmpfs as its working
folder, its own `/proc`, a minimal `/dev` and a private `/dev/shm`, with an empty
environment; everything else, `/` and `/dev` included, is read-only. As root it runs
as uid 65534 inside a user namespace with every capability dropped, and a pids cgroup
caps its processes (Linux ignores RLIMIT_NPROC for root).

Limits come from outside: the judge waits for each answer with a deadline and, past it,
SIGKILLs bubblewrap's process group; bubblewrap's init then takes the whole PID
namespace with it, so nothing the learner started (setsid orphans, stopped or
self-signalling processes) survives. Memory, file size and process count are rlimits set
before bubblewrap starts.

Without bubblewrap (macOS, Windows, or Linux with an explicit opt-in) the same protocol
runs in a plain subprocess with a timeout, and `warn_unsandboxed` says once, plainly,
that learner code runs with the user's rights. Windows can pass no extra pipe to a
child, so there the protocol runs over the observer's stdin and stdout
(`stdio_channel.py`; tests force it on Linux with `stdio=True`). POSIX-only modules are
imported inside functions so this module imports everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import logging
import os
import secrets
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from .stdio_channel import ChannelClosed, ChannelOverflow, ChannelTimeout, StdioChannel

logger = logging.getLogger(__name__)

OBSERVER_DIR = Path(__file__).resolve().parent.parent / "observer"
SANDBOX_OBSERVER_ROOT = "/run/zendo"
SANDBOX_SUBMISSION = "/submission"
SANDBOX_SHARED = "/shared"  # the one folder both sides see: read-write, this sandbox's own
SANDBOX_TMP = "/tmp"  # noqa: S108 - the sandbox's own private tmpfs, not the host's /tmp
SANDBOX_SHM = "/dev/shm"  # noqa: S108 - the sandbox's own tmpfs too
SANDBOX_JOBS = f"{SANDBOX_OBSERVER_ROOT}/jobs"  # a zygote's submission folders (`judge.zygote`)
SANDBOX_MACHINE_PROC = f"{SANDBOX_OBSERVER_ROOT}/machine-proc"  # lets a zygote mount /proc
# What a zygote keeps: to give each submission its namespaces and mounts (then dropped).
ZYGOTE_CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SETPCAP")
MAX_ANSWER_BYTES = 16_000_000
ALLOW_UNSANDBOXED_ENV = "ZENDO_ALLOW_UNSANDBOXED"
INSTALL_HINT = "sudo apt-get install -y bubblewrap"
_BOOTSTRAP = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from observer.__main__ import main; main(sys.argv[2:])"
)
_CGROUP_PIDS = Path("/sys/fs/cgroup/pids")
_NOBODY = 65534
_warned = False


def stdio_needed() -> bool:
    """Whether this system must run the protocol over stdin and stdout (no fd passing)."""
    return sys.platform == "win32"


class Isolation(StrEnum):
    """How learner code is kept apart from the machine."""

    BUBBLEWRAP = "bubblewrap"
    NONE = "none"  # a plain subprocess with the user's rights, a timeout and rlimits


class SandboxUnavailable(Exception):  # noqa: N818 - a state of the machine, not a bug
    """No sandbox can run here and running without one was not allowed."""


class SandboxGone(BaseException):
    """The sandbox stopped answering. A BaseException, so no grader or hypothesis retries it."""

    status = "error"


class SandboxTimeout(SandboxGone):
    """The learner's code used up its time; the sandbox was killed."""

    status = "timeout"


class SandboxDied(SandboxGone):
    """The observer process ended (os._exit, a crash, the memory cap) or broke the protocol."""


@dataclass(frozen=True)
class SandboxLimits:
    """Caps enforced on the sandbox from outside."""

    memory_mb: int = 2048
    max_file_mb: int = 64
    max_processes: int = 64
    max_output_chars: int = 10_000


@dataclass(frozen=True)
class Interpreter:
    """The Python that runs the observer, and the site-packages folders learner code may import."""

    executable: Path
    prefix: Path
    site_dirs: tuple[Path, ...]

    @classmethod
    def current(cls) -> Interpreter:
        """This process's Python, resolved once per search path: every sandbox object
        asks, and resolving the paths costs about a millisecond each time."""
        sites = tuple(entry for entry in sys.path if entry.endswith(_SITE_FOLDERS))
        return _resolved_interpreter(sys.executable, sys.base_prefix, sites)


_SITE_FOLDERS = ("site-packages", "dist-packages")


@functools.lru_cache(maxsize=4)
def _resolved_interpreter(executable: str, base_prefix: str, sites: tuple[str, ...]) -> Interpreter:
    site_dirs = tuple(Path(entry).resolve() for entry in sites if Path(entry).is_dir())
    return Interpreter(
        Path(os.path.realpath(executable)), Path(os.path.realpath(base_prefix)), site_dirs
    )


def choose_isolation(*, allow_unsandboxed: bool = False) -> Isolation:
    """bubblewrap where it exists on Linux; else no sandbox, said once.

    Without bubblewrap on Linux, root (CI, containers, a grading server: where learner code
    would run with every right, and where installing it is one command) is refused unless
    unsandboxed grading is asked for; an ordinary user, such as a learner checking their
    own code on a laptop, is graded in a plain separate process with a time limit.
    """
    allowed = (
        allow_unsandboxed or os.environ.get(ALLOW_UNSANDBOXED_ENV) == "1" or not _running_as_root()
    )
    if sys.platform.startswith("linux"):
        if shutil.which("bwrap"):
            return Isolation.BUBBLEWRAP
        if not allowed:
            raise SandboxUnavailable(
                "Grading needs bubblewrap to keep learner code in a sandbox, and `bwrap` is "
                f"not installed. Install it with `{INSTALL_HINT}`, or set "
                f"{ALLOW_UNSANDBOXED_ENV}=1 to grade without a sandbox (learner code then "
                "runs with your rights)."
            )
    warn_unsandboxed()
    return Isolation.NONE


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def warn_unsandboxed() -> None:
    """Say once per process that learner code runs unconfined."""
    global _warned
    if not _warned:
        _warned = True
        print(
            "Note: no sandbox here; learner code runs as a separate process with your "
            "user's rights (a time limit still applies).",
            file=sys.stderr,
        )
        logger.warning("Grading without a sandbox", extra={"platform": sys.platform})


class Process(Protocol):
    """What a sandbox needs of its process: a `subprocess.Popen`, or a zygote's host."""

    @property
    def pid(self) -> int: ...

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...


@dataclass
class Sandbox:
    """One observer process holding one submission's code for one exercise."""

    module: str
    source: str
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    isolation: Isolation = Isolation.BUBBLEWRAP
    interpreter: Interpreter = field(default_factory=Interpreter.current)
    stdio: bool = field(default_factory=stdio_needed)  # the protocol on stdin and stdout
    host: bool = False  # a submission's host, forking one observer per exercise (`sandbox_host`)
    zygote: bool = False  # a worker's zygote, forking each submission's host (`judge.zygote`)
    process: Process | None = None
    _channel: StdioChannel | None = None
    _folder: Path | None = None
    _to_observer: int = -1
    _from_observer: int = -1
    _buffer: bytes = b""
    _cgroup: Path | None = None
    _control: Any = None  # a host's end of its control socket
    _control_pending: int = 0  # messages sent with send_control, answers not read yet

    def fresh(self) -> Sandbox:
        """A new, unstarted sandbox for the same code, limits and isolation."""
        return Sandbox(
            self.module,
            self.source,
            self.limits,
            self.isolation,
            self.interpreter,
            self.stdio,
            self.host,
            self.zygote,
        )

    @property
    def control_socket(self) -> Any:
        """A host's or a zygote's end of its control socket, once started (else None)."""
        return self._control

    @property
    def shared(self) -> Path:
        """A folder of the judge's that the sandbox sees read-write (as `shared_inside`)."""
        if self._folder is None:
            raise SandboxDied("The sandbox was never started.")
        return self._folder / "shared"

    @property
    def shared_inside(self) -> str:
        if self.isolation is Isolation.BUBBLEWRAP:
            return SANDBOX_SHARED
        return str(self.shared)

    @property
    def submission_path(self) -> str:
        """Where the observer finds the source (inside the sandbox, or on disk without one)."""
        if self.isolation is Isolation.BUBBLEWRAP or self._folder is None:
            return f"{SANDBOX_SUBMISSION}/{self.module}.py"
        return str(self._folder / "submission" / f"{self.module}.py")

    def deliver(self, module: str, source: str) -> None:
        """Give a sandbox started ahead (a spare, see `judge.spare`) the submission to load.

        The submission folder is a live read-only bind: the file written here, on the
        judge's side, appears inside at once, and the next `load` request imports it. The
        spare's empty stand-in file goes, so the folder holds this submission alone.
        """
        if self._folder is None or self.process is None:
            raise SandboxDied("A submission can only be delivered to a started sandbox.")
        folder = self._folder / "submission"
        for old in folder.iterdir():
            old.unlink()
        (folder / f"{module}.py").write_text(source, encoding="utf-8")
        self.module, self.source = module, source

    def start(self) -> None:
        """Write the source to a private folder and start the observer on it."""
        self._folder = Path(tempfile.mkdtemp(prefix="zendo-sandbox-"))
        submission = self._folder / "submission"
        work = self._folder / "work"
        submission.mkdir()
        work.mkdir()
        (self._folder / "shared").mkdir()
        (submission / f"{self.module}.py").write_text(self.source, encoding="utf-8")
        output = (self._folder / "output.txt").open("wb")
        python = [str(self.interpreter.executable), "-S", "-s", "-P", "-B", "-c", _BOOTSTRAP]
        control_inside = None
        if self.host or self.zygote:
            import socket

            self._control, control_inside = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            request_write = answer_read = -1
            mode = "--zygote" if self.zygote else "--host"
            observer_args = [mode, str(control_inside.fileno())]
            (self._folder / "jobs").mkdir()
            passed: list[int] = [control_inside.fileno()]
        elif self.stdio:
            request_write = answer_read = -1
            observer_args = ["--stdio"]
            passed = []
        else:
            request_read, request_write = os.pipe()
            answer_read, answer_write = os.pipe()
            observer_args = ["--in", str(request_read), "--out", str(answer_write)]
            passed = [request_read, answer_write]
        if self.isolation is Isolation.BUBBLEWRAP:
            self._cgroup = _make_cgroup(self.limits.max_processes)
            # bubblewrap reads its options from a file descriptor, so the host paths of
            # its binds never appear in a command line the sandbox can read (its init
            # process, pid 1 inside, keeps bubblewrap's argv).
            seccomp_fd = None
            if (program := keyring_filter()) is not None:
                (self._folder / "seccomp").write_bytes(program)
                seccomp_fd = os.open(self._folder / "seccomp", os.O_RDONLY)
                passed.append(seccomp_fd)
            options = self._folder / "bwrap-options"
            arguments = self._bwrap_args(submission, seccomp_fd)
            options.write_bytes(b"\0".join(a.encode() for a in arguments))
            options_fd = os.open(options, os.O_RDONLY)
            passed.append(options_fd)
            for number, _site in enumerate(self.interpreter.site_dirs):
                observer_args += ["--path", f"{SANDBOX_OBSERVER_ROOT}/site-{number}"]
            command = ["bwrap", "--args", str(options_fd), *python, SANDBOX_OBSERVER_ROOT]
            command += observer_args
            cwd = None
            env = {"PATH": "/usr/bin:/bin"}
        else:
            for site in self.interpreter.site_dirs:
                observer_args += ["--path", str(site)]
            command = [*python, str(OBSERVER_DIR.parent), *observer_args]
            cwd = str(work)
            env = _plain_environment(work)
        try:
            self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                command,
                stdin=subprocess.PIPE if self.stdio else subprocess.DEVNULL,
                stdout=subprocess.PIPE if self.stdio else output,
                stderr=output,
                cwd=cwd,
                env=env,
                pass_fds=passed,
                start_new_session=hasattr(os, "setsid"),
                preexec_fn=_limiter(self.limits, self._cgroup),
            )
        finally:
            output.close()
            for fd in passed:
                if control_inside is None or fd != control_inside.fileno():
                    os.close(fd)
            if control_inside is not None:
                control_inside.close()
        logger.debug(
            "Started a sandbox",
            extra={
                "isolation": self.isolation.value,
                "cgroup": self._cgroup is not None,
                "transport": "stdio" if self.stdio else "pipes",
            },
        )
        if self.host or self.zygote:
            return
        if self.stdio:
            self._channel = StdioChannel(self.process, max_line=MAX_ANSWER_BYTES)
            return
        self._to_observer = request_write
        self._from_observer = answer_read
        os.set_blocking(request_write, False)
        os.set_blocking(answer_read, False)

    def _bwrap_args(self, submission: Path, seccomp_fd: int | None = None) -> list[str]:
        # A zygote is often started by a thread (`zygote.HeadStart`), and a parent's death
        # signal follows the thread that forked: it ends instead when its socket closes,
        # once the batch judge and every child it forked are gone.
        parent = [] if self.zygote else ["--die-with-parent"]
        args = [
            "--unshare-all", "--unshare-user", "--disable-userns", *parent,
            "--new-session", "--clearenv",
            "--setenv", "HOME", SANDBOX_TMP, "--setenv", "TMPDIR", SANDBOX_TMP,
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "LANG", "C.UTF-8",
            "--setenv", "PYTHONHASHSEED", "0", "--setenv", "PYTHONUTF8", "1",
            "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr",
        ]  # fmt: skip
        for top in ("/bin", "/lib", "/lib32", "/lib64", "/sbin"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                args += ["--ro-bind", top, top]
        prefix = str(self.interpreter.prefix)
        if not prefix.startswith("/usr/"):
            args += ["--ro-bind", prefix, prefix]  # Python finds its stdlib by its own path
        for number, site in enumerate(self.interpreter.site_dirs):
            args += ["--ro-bind", str(site), f"{SANDBOX_OBSERVER_ROOT}/site-{number}"]
        executable = str(self.interpreter.executable)
        if not executable.startswith(("/usr/", str(self.interpreter.prefix))):
            args += ["--ro-bind", executable, executable]
        args += [
            "--ro-bind", str(OBSERVER_DIR), f"{SANDBOX_OBSERVER_ROOT}/observer",
            "--ro-bind", str(submission), SANDBOX_SUBMISSION,
            "--bind", str(submission.parent / "shared"), SANDBOX_SHARED,
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(self.limits.max_file_mb * 1024 * 1024), "--tmpfs", SANDBOX_SHM,
            "--size", str(self.limits.max_file_mb * 1024 * 1024), "--tmpfs", SANDBOX_TMP,
            "--chdir", SANDBOX_TMP,
        ]  # fmt: skip
        if self.zygote:
            args += [
                "--bind", str(submission.parent / "jobs"), SANDBOX_JOBS,
                "--ro-bind", "/proc", SANDBOX_MACHINE_PROC,
            ]  # fmt: skip
        # Read-only as a zygote's submissions see them (they share these two mounts).
        args += ["--remount-ro", "/dev", "--remount-ro", "/"]
        if seccomp_fd is not None:
            args += ["--seccomp", str(seccomp_fd)]
        if os.geteuid() == 0:
            # As root, the learner gets an unprivileged uid in its own user namespace and
            # no capabilities, so nothing it does reaches beyond its mounts.
            args += ["--uid", str(_NOBODY), "--gid", str(_NOBODY), "--cap-drop", "ALL"]
        if self.zygote:  # dropped by each submission's pid 1 once it is set up
            for capability in ZYGOTE_CAPABILITIES:
                args += ["--cap-add", capability]
        return args

    def control(self, message: dict[str, Any], fds: list[int], timeout: float) -> dict[str, Any]:
        """Send a host one control message (with descriptors) and wait for its answer.

        Only for a sandbox started with `host=True`. The host runs beside learner code, so
        its answer is plumbing, never evidence: a host that does not answer in time, or
        answers with anything but a JSON object, is killed with the whole sandbox. The
        answers to messages sent with `send_control` are awaited first (each within
        `timeout`): the host answers in order.
        """
        while self._control_pending:
            self._control_pending -= 1
            self._control_answer(timeout)
        self._send_control(message, fds)
        return self._control_answer(timeout)

    def send_control(self, message: dict[str, Any]) -> None:
        """Send a host a control message now, and read its answer before the next one's.

        For a spare's preload: the host imports while the spare waits for its
        submission, and nobody waits for the answer until the first fork, which needs
        the host booted anyway.
        """
        self._send_control(message, [])
        self._control_pending += 1

    def _send_control(self, message: dict[str, Any], fds: list[int]) -> None:
        import socket

        if self._control is None or self.process is None:
            raise SandboxDied("The sandbox host was never started.")
        try:
            socket.send_fds(self._control, [json.dumps(message).encode()], fds)
        except OSError:
            self.kill()
            raise SandboxDied("The sandbox host ended or broke its protocol.") from None

    def _control_answer(self, timeout: float) -> dict[str, Any]:
        import select

        if self._control is None:
            raise SandboxDied("The sandbox host was never started.")
        try:
            ready, _, _ = select.select([self._control], [], [], max(timeout, 0.0))
            data = self._control.recv(65536) if ready else None
        except OSError:
            data = b""
        if data is None:
            self.kill()
            raise SandboxDied("The sandbox host did not answer in time.")
        try:
            answer = json.loads(data) if data else None
        except ValueError:
            answer = None
        if type(answer) is not dict:
            self.kill()
            raise SandboxDied("The sandbox host ended or broke its protocol.")
        return answer

    def observer_running(self) -> bool:
        """Whether the observer process is there and not stopped (seen from /proc, outside).

        bubblewrap runs its own init in the sandbox, whose child is the observer. Learner
        code in a host's sandbox can stop or kill the host (it sees it): the judge looks
        before each fork, rather than waiting for an answer that cannot come. Where /proc
        says nothing, it answers True and the control message's deadline decides.
        """
        if self.process is None or self.process.poll() is not None:
            return False
        pid = self._observer_pid(self.process.pid)
        if pid is None:
            return True
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        return state not in ("T", "t", "Z", "X")

    def _observer_pid(self, pid: int) -> int | None:
        """The observer's pid, found from bubblewrap's (`pid`); None while unknown."""
        for _generation in range(2):  # bubblewrap, its init, then the observer
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                return None
            if not children:
                return None  # still starting: its answer's deadline decides
            pid = int(children[0])
        return pid

    def request(self, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one request and wait at most `timeout` seconds for its answer line."""
        if self.process is None:
            raise SandboxDied("The sandbox was never started.")
        deadline = time.monotonic() + max(timeout, 0.0)
        line = (json.dumps(payload, separators=(",", ":")) + "\n").encode("utf-8")
        self._write(line, deadline)
        answer = self._read_line(deadline)
        try:
            data = json.loads(answer)
        except (ValueError, RecursionError):  # RecursionError: nesting too deep to parse
            self.kill()
            raise SandboxDied("The sandbox answered with something that is not JSON.") from None
        if type(data) is not dict:
            self.kill()
            raise SandboxDied("The sandbox answered with JSON that is not an object.")
        return data

    def _write(self, data: bytes, deadline: float) -> None:
        if self._channel is not None:
            try:
                self._channel.write(data, deadline)
            except ChannelTimeout:
                self._time_out()
            except ChannelClosed:
                self._died()
            return
        import select

        while data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._time_out()
            _, ready, _ = select.select([], [self._to_observer], [], remaining)
            if not ready:
                continue
            try:
                written = os.write(self._to_observer, data)
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError):
                self._died()
            data = data[written:]

    def _read_line(self, deadline: float) -> bytes:
        if self._channel is not None:
            try:
                return self._channel.read_line(deadline)
            except ChannelTimeout:
                self._time_out()
            except ChannelOverflow as overflow:
                self.kill()
                raise SandboxDied(str(overflow)) from None
            except ChannelClosed:
                self._died()
        import select

        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_ANSWER_BYTES:
                self.kill()
                raise SandboxDied("The sandbox sent an answer larger than the protocol allows.")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._time_out()
            ready, _, _ = select.select([self._from_observer], [], [], remaining)
            if not ready:
                continue
            try:
                chunk = os.read(self._from_observer, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                self._died()
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _time_out(self) -> None:
        self.kill()
        raise SandboxTimeout("The learner's code did not finish within its time limit.")

    def _died(self) -> None:
        if self.process is not None:
            # The pipe closed: give bubblewrap a moment to pass on the observer's exit code.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=0.5)
        code = self.kill()
        raise SandboxDied(describe_exit(code))

    @property
    def folder(self) -> Path:
        """The judge's private folder of this sandbox (submission, shared, output)."""
        if self._folder is None:
            raise SandboxDied("The sandbox was never started.")
        return self._folder

    @property
    def folder_or_none(self) -> Path | None:
        return self._folder

    def output(self) -> str:
        """What the learner's code wrote to its own stdout and stderr, capped."""
        if self._folder is None:
            return ""
        return self._capped(self._folder / "output.txt")

    def _capped(self, path: Path) -> str:
        cap = self.limits.max_output_chars
        try:
            with path.open("rb") as file:
                data = file.read(cap * 4 + 4)
        except OSError:
            return ""
        text = data.decode("utf-8", errors="replace")
        return text if len(text) <= cap else text[:cap] + "\n[output cut]"

    def kill(self) -> int | None:
        """SIGKILL bubblewrap's process group (and cgroup); return the exit status."""
        code = self._end_process()
        if self._cgroup is not None:
            _release_cgroup(self._cgroup)
            self._cgroup = None
        self._close_pipes()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._control is not None:
            self._control.close()
            self._control = None
            self._control_pending = 0
        return code

    def _end_process(self) -> int | None:
        """SIGKILL the sandbox's process (bubblewrap's process group) and wait for it."""
        if not isinstance(self.process, subprocess.Popen):
            return None
        if self.process.poll() is None:
            _kill_group(self.process)
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not wait
            return None

    def _close_pipes(self) -> None:
        """Close the judge's ends of the protocol's two pipes (once)."""
        for fd in (self._to_observer, self._from_observer):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._to_observer = self._from_observer = -1

    def close(self) -> None:
        """Kill the sandbox and delete its folder."""
        self.kill()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


# The kernel's keyrings belong to a user namespace, which a zygote's submissions share
# (their one other shared kernel object: Docker's default profile denies them too). The
# audit architecture, then add_key, request_key and keyctl, per machine.
_KEYRING_CALLS = {
    "x86_64": (0xC000003E, (248, 249, 250)),
    "aarch64": (0xC00000B7, (217, 218, 219)),
}


@functools.cache
def keyring_filter() -> bytes | None:
    """A seccomp program (classic BPF, as bubblewrap's `--seccomp` reads it) that fails
    the keyring system calls with EPERM and lets every other call through; calls of
    another ABI (i386's `int 0x80`, x32) all fail. None on a machine not listed."""
    found = _KEYRING_CALLS.get(os.uname().machine) if hasattr(os, "uname") else None
    if found is None:
        return None
    audit_arch, calls = found
    allow, deny = 0x7FFF0000, 0x00050000 | errno.EPERM  # SECCOMP_RET_ALLOW, _ERRNO
    load, equal, at_least, give = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, JEQ, JGE, RET
    denied = 5 + len(calls) + 1  # the last instruction: ret deny
    program = [
        (load, 0, 0, 4),  # seccomp_data.arch
        (equal, 1, 0, audit_arch),
        (give, 0, 0, deny),
        (load, 0, 0, 0),  # seccomp_data.nr
        (at_least, denied - 5, 0, 0x40000000),  # __X32_SYSCALL_BIT
    ]
    for index, call in enumerate(calls, start=5):
        program.append((equal, denied - (index + 1), 0, call))
    program += [(give, 0, 0, allow), (give, 0, 0, deny)]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def start_or_close(sandbox: Sandbox) -> None:
    """Start `sandbox`; one that fails is closed (its folder goes) before the error rises."""
    try:
        sandbox.start()
    except BaseException:
        sandbox.close()
        raise


def compile_observer() -> None:
    """Write the observer's bytecode beside its source, once, from the trusted side.

    Every sandbox imports the observer with `python -B` from a read-only bind of its
    folder: without bytecode there (an editable install never writes it), each start
    compiles the observer's source again, about 4 ms of the 36 ms a start costs. The
    bytecode is checked against the source's time stamp and size, as any import does,
    and the sandbox cannot write it. A folder this process may not write is left alone.
    """
    import compileall

    with contextlib.suppress(OSError):
        compileall.compile_dir(OBSERVER_DIR, quiet=2)


def describe_exit(code: int | None) -> str:
    """What a learner can do about their sandbox's end: never a guess that blames them
    for memory when their own code may have killed or stopped a process."""
    if code is None:
        return (
            "Your code's process stopped answering (did your code stop, close or signal a "
            "process?). Remove that part of the exercise cell and check again."
        )
    if code < 0 or code >= 128:
        number = -code if code < 0 else code - 128
        return (
            f"Your code's process ended with signal {number}: your code killed or signalled "
            "a process (os.kill?), crashed Python, or used more memory than allowed. Look "
            "for those in the exercise cell, fix it and check again."
        )
    return (
        f"Your code ended its own process with exit code {code} before it answered "
        "(os._exit() or sys.exit() in the exercise cell?). Remove that call and check again."
    )


def _plain_environment(work: Path) -> dict[str, str]:
    env = {"HOME": str(work), "TMPDIR": str(work), "PYTHONHASHSEED": "0", "PYTHONUTF8": "1"}
    for name in ("PATH", "SYSTEMROOT", "LANG"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _limiter(limits: SandboxLimits, cgroup: Path | None) -> Any:
    """The function run in the forked child before exec: rlimits and the cgroup."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows: no preexec_fn
        return None
    import resource

    uid = os.getuid()
    running = _processes_of(uid) if uid != 0 else 0

    def limit() -> None:
        caps = {
            resource.RLIMIT_AS: limits.memory_mb * 1024 * 1024,
            resource.RLIMIT_FSIZE: limits.max_file_mb * 1024 * 1024,
            resource.RLIMIT_NPROC: running + limits.max_processes,
            resource.RLIMIT_CORE: 0,
        }
        for kind, value in caps.items():
            _soft, hard = resource.getrlimit(kind)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            try:
                resource.setrlimit(kind, (value, value))
            except (ValueError, OSError):  # macOS refuses some caps (RLIMIT_AS): go on
                continue
        if cgroup is not None:
            (cgroup / "cgroup.procs").write_text(str(os.getpid()))

    return limit


def _processes_of(uid: int) -> int:
    """How many processes `uid` runs now (RLIMIT_NPROC counts all of them)."""
    count = 0
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += 1
    return count


def _make_cgroup(max_processes: int) -> Path | None:
    """As root, a pids cgroup for one sandbox where the machine offers cgroup v1 pids."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not _CGROUP_PIDS.is_dir():
        return None
    try:
        folder = _CGROUP_PIDS / "zendo" / f"sandbox-{os.getpid()}-{secrets.token_hex(4)}"
        folder.mkdir(parents=True)
        (folder / "pids.max").write_text(str(max_processes))
    except OSError:
        return None
    return folder


def _release_cgroup(folder: Path) -> None:
    import signal

    for _ in range(1000):
        try:
            pids = [int(pid) for pid in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            break
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.001)  # killed processes leave the cgroup within a millisecond or so
    with contextlib.suppress(OSError):
        folder.rmdir()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    if not hasattr(os, "killpg"):  # Windows: TerminateProcess on the observer itself
        with contextlib.suppress(OSError):
            process.kill()
        return
    import signal

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(process.pid, signal.SIGKILL)
