"""The observer's loop: read one request, act on learner code, write one answer.

Started by the judge inside the sandbox as
`python -S -s -P -B -c BOOTSTRAP --in 3 --out 4`; requests arrive on the `--in` pipe
and answers leave on the `--out` pipe, one JSON object per line (with `--stdio`, where
no extra pipe can be passed, on stdin and stdout instead). The learner's own
output (fds 1 and 2) goes elsewhere and is captured by the judge, capped; what Python
code prints during one request is captured here and sent with its answer.

Everything here runs beside learner code and trusts none of it: every call into the
learner's objects is wrapped so that an exception becomes an answer, never the end of
the loop. The loop itself decides nothing: no expected values, no verdicts.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import operator
import os
import re
import signal
import sys
import time
from types import ModuleType

from . import PROTOCOL_VERSION
from .wire import Handles, WireError, class_names, decode, encode, handle_of

# Every sandbox start pays for the observer's imports (argparse, traceback and typing
# were about a third of them): annotations only need their names when type-checked,
# and even `from typing import TYPE_CHECKING` imports typing. `importlib.util`, which
# every load needs, is imported here rather than at the load: a sandbox host's children
# then inherit it instead of each importing it again (about 1.5 ms of each exercise).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

MAX_REQUEST_BYTES = 8_000_000
MAX_CAPTURED = 20_000  # characters of prints sent back with one answer
MAX_MESSAGE = 2_000  # characters of an exception's message
MAX_PRELOAD = 64  # module names one preload request may name
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}(\.[A-Za-z_][A-Za-z0-9_]{0,99}){0,9}")

# The operators a judge may apply to learner objects; each one is what Python runs for
# the expression, reflected operands and NotImplemented included.
OPERATORS: dict[str, Callable[..., object]] = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "floordiv": operator.floordiv,
    "mod": operator.mod,
    "pow": operator.pow,
    "neg": operator.neg,
    "pos": operator.pos,
    "abs": operator.abs,
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "contains": operator.contains,
    "getitem": operator.getitem,
    "is": operator.is_,
    "hash": hash,
    "repr": repr,
    "str": str,
    "bool": bool,
    "len": len,
    "list": list,
    "isinstance": isinstance,
    "type": type,
    "issubclass": issubclass,
    "value": lambda value: value,  # brings a kept object back as data
}


class _Capture(io.StringIO):
    """sys.stdout and sys.stderr during one request, keeping at most MAX_CAPTURED chars."""

    def write(self, text: str) -> int:
        if type(text) is not str:
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = MAX_CAPTURED - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


class Observer:
    """Holds the learner's module and the handles the judge may name."""

    def __init__(self) -> None:
        self.handles = Handles()
        self.learner_files: set[str] = set()

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        number = request.get("id")
        capture = _Capture()
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = capture
        try:
            try:
                result = self._act(request)
            except WireError as error:
                return {"id": number, "fault": str(error)}
            except BaseException as error:  # learner code raised: that is the observation
                return {
                    "id": number,
                    "raised": describe_exception(error, self.learner_files),
                    "out": capture.getvalue(),
                }
            try:
                if request.get("keep") is True:
                    encoded = handle_of(result, self.handles)
                else:
                    encoded = encode(result, self.handles)
            except BaseException as error:  # a learner repr blew up while being encoded
                return {
                    "id": number,
                    "raised": describe_exception(error, self.learner_files),
                    "out": "",
                }
            return {"id": number, "ok": encoded, "out": capture.getvalue()}
        finally:
            sys.stdout, sys.stderr = saved

    def _act(self, request: dict[str, Any]) -> object:
        op = request.get("op")
        if op == "hello":
            return {"version": PROTOCOL_VERSION, "python": sys.version.split()[0]}
        if op == "load":
            return self._load(str(request.get("module")), str(request.get("path")))
        if op == "import":
            return _standard_module(request.get("module"))
        if op == "preload":
            return _preload(request.get("modules"))
        if op == "define":
            return self._define(str(request.get("module")), str(request.get("source")))
        if op == "release":
            self.handles.release(list(request.get("handles") or []))
            return None
        if op == "op":
            name = request.get("name")
            if name not in OPERATORS:
                raise WireError(f"There is no operator {name!r}; known: {', '.join(OPERATORS)}.")
            return OPERATORS[str(name)](*self._args(request))
        target = self.handles.get(request.get("target"))
        if op == "call":
            return target(*self._args(request), **self._kwargs(request))  # type: ignore[operator]
        name = request.get("name")
        if type(name) is not str:
            raise WireError("An attribute request needs a 'name' that is a string.")
        if op == "get":
            return getattr(target, name)
        if op == "set":
            setattr(target, name, decode(request.get("value"), self.handles))
            return None
        if op == "call_method":
            method = getattr(target, name)
            return method(*self._args(request), **self._kwargs(request))
        raise WireError(f"There is no request {op!r} in protocol version {PROTOCOL_VERSION}.")

    def _args(self, request: dict[str, Any]) -> list[object]:
        raw = request.get("args") or []
        if type(raw) is not list:
            raise WireError("'args' must be a list of values.")
        return [decode(item, self.handles) for item in raw]

    def _kwargs(self, request: dict[str, Any]) -> dict[str, object]:
        raw = request.get("kwargs") or {}
        if type(raw) is not dict:
            raise WireError("'kwargs' must be an object of values.")
        return {str(key): decode(item, self.handles) for key, item in raw.items()}

    def _define(self, name: str, source: str) -> ModuleType:
        """Run a grader's helper code (no secrets in it) as a module of its own."""
        module = ModuleType(name)
        sys.modules[name] = module
        exec(compile(source, f"<grader helper {name}>", "exec"), module.__dict__)  # noqa: S102
        return module

    def _load(self, name: str, path: str) -> ModuleType:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise WireError(f"Cannot load a module from {path!r}.")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        self.learner_files.add(path)
        spec.loader.exec_module(module)
        return module


# Compiled once before any fork (`warm_up`); never run.
_WARM_UP_SOURCE = """\
import re


def split(total, parts=3):
    base, extra = divmod(total, parts)
    return [base + 1] * extra + [base] * (parts - extra)


class Tally:
    def add(self, key, amount=1.0):
        return {key: amount}
"""


def warm_up() -> None:
    """Do, in a process about to fork many observers, what each would do first.

    A process's first `compile` builds the interpreter's syntax-tree types (over a
    hundred classes): about 1 ms of each exercise's load, in each forked child, where
    it also copies the pages it writes. Done here once (a zygote, a host), every child
    inherits them; likewise the protocol's encoding, through one `hello`. Only the
    observer's own code runs, and nothing is imported: learner code finds the same
    interpreter either way (a test compares the modules).
    """
    compile(_WARM_UP_SOURCE, "<zendo warm-up>", "exec")
    answer = Observer().answer(json.loads('{"id": 0, "op": "hello"}'))
    json.dumps(answer, ensure_ascii=True, separators=(",", ":"))


def _standard_module(name: object) -> ModuleType:
    """A module of the standard library, reached without the learner's namespace."""
    if type(name) is not str or name.split(".")[0] not in sys.stdlib_module_names:
        raise WireError(f"Only standard-library modules can be imported, not {name!r}.")
    return importlib.import_module(name)


def _preload(names: object) -> list[str]:
    """Import modules a submission's set-up cell imports, before its code is loaded.

    Only module names travel (the judge parsed them from the set-up cell's import
    statements); no learner code runs here. A module that fails to import is skipped:
    the learner's own `import` line meets the same error when the cell loads. What the
    imports print is dropped. Answers the names that are now imported.
    """
    if type(names) is not list or len(names) > MAX_PRELOAD:
        raise WireError(f"'modules' must be a list of at most {MAX_PRELOAD} module names.")
    loaded = []
    for name in names:
        if type(name) is not str or not _MODULE_NAME.fullmatch(name):
            raise WireError(f"{name!r} is not a module name.")
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: S112 - the learner's own import reports it
            continue
        loaded.append(name)
    return loaded


def describe_exception(error: BaseException, learner_files: set[str]) -> dict[str, Any]:
    """An exception as data: its class and ancestry, message, where in the learner's file
    it was raised, the missing name of a NameError, and pydantic-style errors."""
    try:
        message = str(error)
    except BaseException:
        message = "<str() of the exception failed>"
    data: dict[str, Any] = {"class": class_names(type(error)), "message": message[:MAX_MESSAGE]}
    if isinstance(error, SyntaxError) and type(error.lineno) is int:
        data["line"] = error.lineno
    frames = error.__traceback__
    while frames is not None:  # traceback.walk_tb, without importing traceback
        line = frames.tb_lineno
        if frames.tb_frame.f_code.co_filename in learner_files and type(line) is int:
            data["at"] = line  # the last frame in the learner's file: where it went wrong
        frames = frames.tb_next
    if isinstance(error, NameError) and type(error.name) is str:
        data["name"] = error.name[:200]
    errors = getattr(type(error), "errors", None)
    if callable(errors):
        try:
            found = error.errors()  # type: ignore[attr-defined]
            data["errors"] = [
                {
                    "loc": [str(part) for part in item.get("loc", ())][:10],
                    "msg": str(item.get("msg", ""))[:500],
                    "type": str(item.get("type", ""))[:100],
                }
                for item in list(found)[:50]
            ]
        except BaseException:
            data.pop("errors", None)
    return data


def _confine_self(keep: tuple[int, ...]) -> None:
    """What the observer does to itself before learner code loads."""
    # Nothing inherited stays open but the protocol's descriptors and the output files.
    _close_all_but(keep)
    # A write past the file-size cap fails with an error instead of killing the process.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.dont_write_bytecode = True


def _close_all_but(keep: tuple[int, ...]) -> None:
    """Close every descriptor from 3 up, except those in `keep`."""
    low = 3
    for fd in sorted(set(keep)):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1
    os.closerange(low, 4096)


def host(control_fd: int, *, greet: bool = False) -> None:
    """One submission's sandbox host: fork a fresh observer per exercise, on request.

    The judge sends messages on `control_fd` (a Unix seqpacket socket): `{"op":
    "preload", "modules": [...]}` imports library modules every exercise will need;
    `{"op": "fork"}`, with three descriptors attached (the requests pipe, the answers
    pipe, the exercise's own output file), ends every other process, empties /tmp,
    /dev/shm and /shared and forks a child that serves the observer's protocol on them: each
    exercise starts as in a sandbox of its own;
    `{"op": "kill", "child": N}` ends child N and answers how it ended. No learner code
    runs in the host itself; it ends when the judge closes the socket. A host the zygote
    forked (`greet`) first says which protocol it speaks, unasked: the judge learns from
    that message's credentials which process it is.
    """
    import socket

    control = socket.socket(fileno=control_fd)
    if greet:
        control.send(json.dumps({"version": PROTOCOL_VERSION}).encode("ascii"))
    children: dict[int, int] = {}
    ended: dict[int, int] = {}
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 65536, 3)
        except OSError:
            message, fds = b"", []
        if not message:
            os._exit(0)
        _reap(children, ended)
        try:
            request = json.loads(message)
            op = request.get("op") if type(request) is dict else None
            if op == "preload":
                answer: dict[str, Any] = {"ok": _preload(request.get("modules"))}
            elif op == "fork" and len(fds) == 3:
                _clean_slate(children, ended)
                number = len(children) + len(ended) + 1
                children[number] = _fork_observer(control, fds)
                # The child runs this very code: its protocol needs no `hello` of its own.
                answer = {"child": number, "version": PROTOCOL_VERSION}
            elif op == "kill":
                answer = {"status": _end_child(children, ended, request.get("child"))}
            else:
                answer = {"fault": f"The host does not know the request {op!r}."}
        except (ValueError, WireError) as error:
            answer = {"fault": f"Malformed request: {error}"}
        finally:
            for fd in fds:
                os.close(fd)
        control.send(json.dumps(answer).encode("ascii"))


def _fork_observer(control: Any, fds: list[int]) -> int:
    """Fork the child that serves one exercise on the descriptors the judge sent."""
    read_fd, write_fd, output_fd = fds
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid != 0:
        return pid
    try:  # the child: its own output file, only its own pipes, then the protocol
        control.detach()  # closed below with everything else but the pipes
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        _close_all_but((read_fd, write_fd))
        serve(read_fd, write_fd)
        sys.stdout.flush()
    finally:
        os._exit(0)  # skip atexit handlers and finalizers learner code registered


def _clean_slate(children: dict[int, int], ended: dict[int, int]) -> None:
    """End every other process in the sandbox and empty /tmp, /dev/shm and /shared.

    The next exercise then starts as in a sandbox of its own: no process, file or folder
    of the exercise before it is left (only the host's imported modules, which every
    sandbox imports before the learner's code anyway). Raises WireError where the slate
    cannot be cleaned; the judge then starts a new host.
    """
    me = os.getpid()
    for attempt in range(200):
        others = _living_others(me)
        if not others:
            break
        for pid in others:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                continue
        _reap(children, ended, block=True)
        if attempt:
            time.sleep(0.001)  # processes of other parents end when the kernel gets to them
    else:
        raise WireError("Processes of the last exercise would not end.")
    for folder in ("/tmp", "/dev/shm", "/shared"):  # noqa: S108 - the sandbox's own
        _empty(folder)


def _living_others(me: int) -> list[int]:
    """The sandbox's processes but its init and `me`, except zombies (init reaps them)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, me):
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # gone while we looked
        if state not in (b"Z", b"X"):
            found.append(int(name))
    return found


def _empty(folder: str) -> None:
    """Remove everything in `folder`, never following a symlink."""
    try:
        entries = list(os.scandir(folder))
    except OSError as error:
        raise WireError(f"{folder} cannot be listed: {error}") from None
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _empty(entry.path)
                os.rmdir(entry.path)
            else:
                os.unlink(entry.path)
        except OSError as error:
            raise WireError(f"{entry.path} cannot be removed: {error}") from None


def _reap(children: dict[int, int], ended: dict[int, int], *, block: bool = False) -> None:
    """Collect the exit status of every child that has ended."""
    for number, pid in list(children.items()):
        try:
            done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done:
            ended[number] = os.waitstatus_to_exitcode(status)
            del children[number]


def _end_child(children: dict[int, int], ended: dict[int, int], number: object) -> int | None:
    """SIGKILL child `number` (if still running) and answer its exit code."""
    if type(number) is not int:
        raise WireError("'child' must be a child's number.")
    pid = children.pop(number, None)
    if pid is not None:
        try:
            os.kill(pid, signal.SIGKILL)
            _done, status = os.waitpid(pid, 0)
            ended[number] = os.waitstatus_to_exitcode(status)
        except (ProcessLookupError, ChildProcessError):
            ended[number] = -signal.SIGKILL
    return ended.get(number)


def serve(read_fd: int, write_fd: int) -> None:
    """Answer requests until the judge closes the pipe."""
    reader = os.fdopen(read_fd, "rb", buffering=1 << 16)
    observer = Observer()
    while True:
        line = reader.readline(MAX_REQUEST_BYTES)
        if not line:
            return
        try:
            request = json.loads(line)
            if type(request) is not dict:
                raise WireError("A request must be a JSON object.")
            answer = observer.answer(request)
        except (ValueError, WireError) as error:
            answer = {"id": None, "fault": f"Malformed request: {error}"}
        try:
            payload = json.dumps(answer, ensure_ascii=True, separators=(",", ":"))
        except (ValueError, TypeError) as error:
            payload = json.dumps({"id": answer.get("id"), "fault": f"Unencodable: {error}"})
        data = (payload + "\n").encode("ascii")
        while data:
            written = os.write(write_fd, data)
            data = data[written:]


def _protocol_on_stdio() -> tuple[int, int]:
    """Take stdin and stdout for the protocol, where no extra pipe can be passed (Windows).

    The pipes move to new descriptors; fd 1 then points where fd 2 does (the judge's
    capped output file), so what learner code prints never reaches the protocol.
    """
    read_fd, write_fd = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    return read_fd, write_fd


_DESCRIPTOR_OPTIONS = ("--in", "--out", "--host", "--zygote")


def _options(argv: list[str]) -> tuple[str, tuple[int, ...], list[str]]:
    """The judge's command line: `--in N --out M`, `--stdio`, `--host N` or `--zygote N`,
    and `--path P` repeated. Answers the mode (serve, host or zygote), the protocol's
    descriptors (a host's or a zygote's control socket alone) and the paths.

    Parsed by hand: argparse is a fifth of the observer's start-up, paid per sandbox.
    """
    fds: dict[str, int] = {}
    paths: list[str] = []
    stdio = False
    words = iter(argv)
    for flag in words:
        if flag == "--stdio":
            stdio = True
            continue
        value = next(words, None)
        if flag == "--path" and value is not None:
            paths.append(value)
        elif flag in _DESCRIPTOR_OPTIONS and value is not None and value.isdigit():
            fds[flag] = int(value)
        else:
            raise SystemExit(f"zendo-observer: cannot read the option {flag!r} {value!r}.")
    if stdio:
        return "serve", _protocol_on_stdio(), paths
    for mode in ("host", "zygote"):
        if set(fds) == {f"--{mode}"}:
            return mode, (fds[f"--{mode}"],), paths
    if set(fds) != {"--in", "--out"}:
        raise SystemExit("zendo-observer: give --in and --out, --stdio, --host or --zygote.")
    return "serve", (fds["--in"], fds["--out"]), paths


def main(argv: list[str] | None = None) -> None:
    mode, fds, paths = _options(sys.argv[1:] if argv is None else argv)
    # The stand-in `zendo` comes first, so a setup cell's `from zendo.notebook import
    # check` works whatever site-packages hold; then the libraries learner code may use.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "stub"))
    sys.path.extend(paths)
    _confine_self(fds)
    if mode in ("host", "zygote"):
        warm_up()  # before the forks: each exercise's process inherits what it did
    if mode == "host":
        host(fds[0])
    if mode == "zygote":
        from .zygote import serve_zygote

        serve_zygote(fds[0], lambda control_fd: host(control_fd, greet=True))
    serve(*fds)
    sys.stdout.flush()
    os._exit(0)  # skip atexit handlers and finalizers learner code registered


if __name__ == "__main__":
    main()
