"""ruff and mypy on the learner's source text, run from the trusted side, isolated.

Tools never run where learner code ran. Each run gets a fresh private folder holding only
the source files the grader names and the engine's own configuration. mypy runs in a
forked child of the trusted judge (which has it imported, from the engine's own
installation), or where there is no fork as `python -I -S` with its own installation
folder put first on `sys.path` (no current folder, no PYTHONPATH, no user site-packages,
no `.pth` files); ruff runs as its own binary with `--isolated`. Both get an environment
of our own and an explicit config, so nothing a learner wrote (a fake `mypy` package, a
`pyproject.toml`, a `.pth`) can change a verdict.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

# Generous: a tool's run is slow only when the machine is busy (another learner's code
# burning every core), and that must never become this learner's verdict. A run past it
# is tried once more; a second one ends as ToolTimeout, reported as the engine's fault.
TOOL_TIMEOUT_SECONDS: float = 180
TOOL_ATTEMPTS = 2
_MYPY_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?P<severity>error|note): "
    r"(?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)
_MYPY_CONFIG = "[mypy]\n"  # the engine's own: flags come from the command line
mypy_runs = 0  # in this process: the warm judge copies the seed ahead for as many runs
_seed_copies: list[tuple[int, Path, Path]] = []  # (the process that made it, its seed, the copy)
_RUFF_CONFIG = "# Unused: ruff runs with --isolated.\n"


class ToolTimeout(Exception):  # noqa: N818 - named for what happened, like TimeoutError
    """A tool ran past its limit on every attempt: the machine, never the learner's code."""

    def __init__(self, tool: str, seconds: float, attempts: int) -> None:
        super().__init__(
            f"The grading tool {tool} did not finish within {seconds:g} seconds, "
            f"{attempts} times: the grading machine is overloaded."
        )
        self.tool = tool
        self.attempts = attempts


@dataclass(frozen=True)
class Finding:
    """One complaint of a tool about one line of one of the files it was given."""

    file: str  # the name the grader gave the file: `calc_tidy.py`
    line: int
    code: str
    message: str


@dataclass(frozen=True)
class ToolRun:
    """A finished tool run: its exit code, what it found, and its raw output."""

    exit_code: int
    findings: tuple[Finding, ...]
    output: str

    def in_file(self, name: str) -> list[Finding]:
        """The findings about one file, by line."""
        return sorted((f for f in self.findings if f.file == name), key=lambda f: f.line)

    @property
    def crashed(self) -> bool:
        """The tool failed without a finding: never to be read as a pass."""
        return self.exit_code != 0 and not self.findings


_MYPY_FLAGS = (
    "--config-file", "mypy.ini", "--strict", "--cache-dir", ".mypy_cache",
    "--warn-unused-ignores", "--show-error-codes", "--no-error-summary", "--no-pretty",
    "--no-color-output",
)  # fmt: skip
# What the seed cache covers: the standard library modules and libraries learner code
# usually imports (pydantic: checking a model without it costs about 1.2 s; sqlite3,
# which the transactions and capstone set-up cells import, 20 ms of every run). mypy
# re-checks anything whose source or options differ; graders that need more flags pass
# them as `# mypy:` comments in the files, which keep the seed valid.
_SEED_SOURCE = (
    "import collections.abc, dataclasses, datetime, decimal, enum, fractions, functools\n"
    "import itertools, json, logging, math, pathlib, re, sqlite3, typing\n"
    "import pydantic\n"
)
# Libraries too big to check on every run (SQLAlchemy: 3 to 9 s), each with the modules
# of it that lessons use. Files that import one get a seed that holds those too, built
# once per machine and set of libraries; mypy's cache never changes a verdict, only
# how long it takes.
_SEEDED_LIBRARIES: dict[str, tuple[str, ...]] = {
    "sqlalchemy": (
        "sqlalchemy", "sqlalchemy.orm", "sqlalchemy.ext.asyncio", "sqlalchemy.exc",
        "sqlalchemy.event", "sqlalchemy.engine",
    ),
    "fastapi": ("fastapi", "fastapi.responses", "fastapi.exceptions"),
    "httpx": ("httpx",),
    "tenacity": ("tenacity",),
    "structlog": ("structlog",),
}  # fmt: skip


def seeded_libraries(files: Mapping[str, str]) -> tuple[str, ...]:
    """The big libraries (of `_SEEDED_LIBRARIES`) that `files` import, sorted."""
    found: set[str] = set()
    for source in files.values():
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # mypy reports it; the plain seed serves
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update(top for name in names if (top := name.split(".")[0]) in _SEEDED_LIBRARIES)
    return tuple(sorted(found))


def prepare_seeds(sources: Sequence[str]) -> dict[tuple[str, ...], Path | None]:
    """Build now the seed caches that mypy runs over these graded sources will copy.

    Always the plain one (the standard library and pydantic), which runs over code that
    imports no big library copy. Keyed by the big libraries each seed holds; None where
    a seed could not be built (runs then check those modules themselves, slower but with
    the same verdict). Seeds already built are only looked up. Two are built at a time,
    each by its own mypy process.
    """
    from concurrent.futures import ThreadPoolExecutor

    wanted = {(), *(seeded_libraries({"graded.py": source}) for source in sources)}
    ordered = sorted(wanted)
    with ThreadPoolExecutor(max_workers=2) as pool:
        built = list(pool.map(_mypy_seed, ordered))
    return dict(zip(ordered, built, strict=True))


def _seed_source(libraries: Sequence[str]) -> str:
    extra = [module for library in libraries for module in _SEEDED_LIBRARIES[library]]
    return _SEED_SOURCE + "".join(f"import {module}\n" for module in extra)


def run_mypy(files: Mapping[str, str], *extra_args: str) -> ToolRun:
    """mypy --strict (the pinned version) over `files` (name → source text).

    Each run starts from a copy of a seed cache that mypy built once from the standard
    library alone (about 1 s saved per run); nothing learner-written ever enters it.
    """
    global mypy_runs
    completed = _started_early(files, extra_args)
    if completed is None:
        mypy_runs += 1
        with _folder(files, "mypy.ini", _MYPY_CONFIG) as folder:
            arguments, seed = _mypy_arguments(files, extra_args, folder)
            if hasattr(os, "fork"):
                completed = _mypy_in_a_fork(arguments, folder, seed)
            else:
                _place_seed(seed, folder)
                completed = _run([*_python_module("mypy"), *arguments], folder)
    return _mypy_findings(completed)


def start_mypy(files: Mapping[str, str], *extra_args: str) -> None:
    """Start `run_mypy(files, *extra_args)` now, in a forked child, and return at once.

    The later `run_mypy` call with the same files and arguments then waits for this run
    instead of starting its own: a grader's `before_tests` function calls it so that mypy
    checks on one core while the sandbox answers the other tests on the other. Only a
    cache of this process: a run never started, failed or timed out is simply run again
    by `run_mypy`, so the verdict never depends on it. Without fork, it does nothing.
    """
    global mypy_runs
    key = _run_key(files, extra_args)
    if not hasattr(os, "fork") or any(run.key == key for run in _early_runs if run.mine):
        return
    mypy_runs += 1
    folder = _folder(files, "mypy.ini", _MYPY_CONFIG)
    path = folder.__enter__()
    try:
        arguments, seed = _mypy_arguments(files, extra_args, path)
        pid, answer = _fork_mypy(arguments, path, seed)
    except BaseException:
        folder.__exit__()
        raise
    _early_runs.append(_EarlyRun(key, pid, answer, folder, time.monotonic()))


def discard_early_runs() -> None:
    """Kill this process's mypy runs started early and never asked for, and delete them."""
    for run in [run for run in _early_runs if run.mine]:
        _early_runs.remove(run)
        with contextlib.suppress(ProcessLookupError):
            os.kill(run.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(run.pid, 0)
        with contextlib.suppress(OSError):
            os.close(run.answer)
        run.folder.__exit__()


@dataclass
class _EarlyRun:
    """A mypy run `start_mypy` forked ahead of the `run_mypy` call that will want it."""

    key: str
    pid: int
    answer: int  # the read end of the child's answer pipe
    folder: _folder
    started: float
    owner: int = field(default_factory=os.getpid)

    @property
    def mine(self) -> bool:
        return self.owner == os.getpid()  # a forked child's inheritance is its parent's


_early_runs: list[_EarlyRun] = []


def _run_key(files: Mapping[str, str], extra_args: Sequence[str]) -> str:
    return json.dumps([sorted(files.items()), list(extra_args)])


def _started_early(
    files: Mapping[str, str], extra_args: Sequence[str]
) -> subprocess.CompletedProcess[str] | None:
    """The answer of the run `start_mypy` began for these files, or None (run it now)."""
    key = _run_key(files, extra_args)
    for run in _early_runs:
        if run.mine and run.key == key:
            _early_runs.remove(run)
            break
    else:
        return None
    try:
        left = TOOL_TIMEOUT_SECONDS - (time.monotonic() - run.started)
        answer = _read_all(run.answer, max(left, 0.0))
        if answer is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(run.pid, signal.SIGKILL)
            logger.warning(
                "A grading tool started early ran past its limit; running it again",
                extra={"tool": "mypy", "limit_seconds": TOOL_TIMEOUT_SECONDS},
            )
        os.waitpid(run.pid, 0)
    finally:
        run.folder.__exit__()
    return None if answer is None else _completed(answer, ["mypy"])


def _mypy_arguments(
    files: Mapping[str, str], extra_args: Sequence[str], folder: Path
) -> tuple[list[str], Path | None]:
    """mypy's command line for a run in `folder`, whose cache starts as a copy of the seed,
    and the seed the run must copy there first (`_place_seed`): None when a copy made
    ahead was moved there already, or when there is no seed."""
    seed = _mypy_seed(seeded_libraries(files))
    if seed is not None and _take_seed_copy(folder / ".mypy_cache", seed):
        seed = None
    return [*_MYPY_FLAGS, *extra_args, *files], seed


def _place_seed(seed: Path | None, folder: Path) -> None:
    """Copy `seed` to `folder`'s mypy cache, unless a cache is there already.

    Copied beside it first and renamed into place, so a run killed mid-copy leaves no
    half cache for its second attempt. Without a copy (an OSError), mypy checks everything
    itself: slower, never another verdict.
    """
    target = folder / ".mypy_cache"
    if seed is None or target.exists():
        return
    staging = folder / ".mypy_cache.copying"
    with contextlib.suppress(OSError):
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(seed, staging)
        staging.rename(target)


def _mypy_findings(completed: subprocess.CompletedProcess[str]) -> ToolRun:
    findings = []
    for line in completed.stdout.splitlines():
        match = _MYPY_LINE.match(line)
        if match and match["severity"] == "error":
            name = Path(match["path"]).name
            findings.append(
                Finding(name, int(match["line"]), match["code"] or "", match["message"])
            )
    return ToolRun(completed.returncode, tuple(findings), completed.stdout + completed.stderr)


def run_ruff(
    files: Mapping[str, str], *, select: Sequence[str], extra_args: Sequence[str] = ()
) -> ToolRun:
    """`ruff check` (the pinned version) with an explicit rule set, noqa ignored."""
    with _folder(files, "ruff-unused.toml", _RUFF_CONFIG) as folder:
        command = [
            _ruff_binary(), "check", "--isolated", "--ignore-noqa",
            "--no-cache", "--output-format", "json", "--select", ",".join(select),
            *extra_args, *files,
        ]  # fmt: skip
        completed = _run(command, folder)
    try:
        raw = json.loads(completed.stdout or "[]")
    except json.JSONDecodeError:
        raw = []
    findings = tuple(
        Finding(
            file=Path(str(item.get("filename", ""))).name,
            line=int((item.get("location") or {}).get("row", 0)),
            code=str(item.get("code") or ""),
            message=str(item.get("message", "")),
        )
        for item in raw
        if isinstance(item, dict)
    )
    return ToolRun(completed.returncode, findings, completed.stdout + completed.stderr)


class _folder:  # noqa: N801 - used as a context manager, like tempfile's
    """A fresh private folder with only the named files and one config file."""

    def __init__(self, files: Mapping[str, str], config_name: str, config: str) -> None:
        for name in files:
            if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".py"):
                raise ValueError(f"A tool's file name must be a plain `name.py`, not {name!r}.")
        self.files = files
        self.config = (config_name, config)
        self.path = Path(tempfile.mkdtemp(prefix="zendo-tool-"))

    def __enter__(self) -> Path:
        for name, text in self.files.items():
            (self.path / name).write_text(text, encoding="utf-8")
        (self.path / self.config[0]).write_text(self.config[1], encoding="utf-8")
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def copy_seed_ahead(count: int) -> None:
    """Copy the mypy seed cache `count` times now, for this process's next mypy runs.

    The warm judge's job child, forked ahead of its job, does it while it waits: a run
    then moves a ready copy into its folder instead of copying 6 MB on the clock. Each
    copy serves one run (mypy writes into it), and only in the process that made it.
    """
    seed = _mypy_seed()
    if seed is None:
        return
    for _ in range(count):
        copy = Path(tempfile.mkdtemp(prefix="zendo-mypy-seed-")) / "cache"
        shutil.copytree(seed, copy)
        _seed_copies.append((os.getpid(), seed, copy))


def discard_seed_copies() -> None:
    """Delete the seed copies this process made and did not use."""
    while _seed_copies:
        owner, _seed, copy = _seed_copies.pop()
        if owner == os.getpid():
            shutil.rmtree(copy.parent, ignore_errors=True)


def _take_seed_copy(target: Path, seed: Path) -> bool:
    """Move a copy of `seed` made ahead by this process to `target`; False if there is none."""
    for index, (owner, copied_from, copy) in enumerate(_seed_copies):
        if owner != os.getpid() or copied_from != seed:
            continue  # a forked child's inheritance (its parent's to use), or another seed
        del _seed_copies[index]
        try:
            copy.rename(target)
        except OSError:
            shutil.rmtree(copy.parent, ignore_errors=True)
            return False
        shutil.rmtree(copy.parent, ignore_errors=True)
        return True
    return False


def _mypy_seed(libraries: Sequence[str] = ()) -> Path | None:
    """The seed cache folder (with `libraries` too), built on first use; None where no
    cache folder is writable."""
    source = _seed_source(libraries)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "zendo"
    tag = f"mypy-{importlib.metadata.version('mypy')}-py{sys.version_info[0]}{sys.version_info[1]}"
    tag += "-" + hashlib.sha256(source.encode()).hexdigest()[:8]  # a new list, a new seed
    seed = base / f"{tag}-seed"
    if (seed / ".complete").is_file():
        return seed
    try:
        base.mkdir(parents=True, exist_ok=True)
        with _folder({"zendo_seed.py": source}, "mypy.ini", _MYPY_CONFIG) as folder:
            command = [*_python_module("mypy"), *_MYPY_FLAGS, "zendo_seed.py"]
            try:
                if _run(command, folder).returncode != 0:
                    return None
            except ToolTimeout:
                return None  # no seed: each run checks the standard library itself
            built = folder / ".mypy_cache"
            (built / ".complete").write_text("", encoding="utf-8")
            staging = Path(tempfile.mkdtemp(prefix=f"{tag}-", dir=base))
            shutil.copytree(built, staging / "cache")
            with contextlib.suppress(OSError):  # atomic: another builder may have won
                (staging / "cache").rename(seed)
            shutil.rmtree(staging, ignore_errors=True)
    except OSError:
        return None
    return seed if (seed / ".complete").is_file() else None


def _python_module(name: str) -> list[str]:
    """`python -I -S` running the tool `name` from the engine's own installation.

    The folder holding the tool is found here, on the trusted side, and put on `sys.path`
    explicitly: nothing in the working folder or the environment can shadow it.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"The grading tool {name!r} is not installed; reinstall zendo.")
    home = str(Path(spec.origin).resolve().parent.parent)
    bootstrap = (
        "import runpy, sys; sys.path.insert(0, sys.argv[1]); "
        "sys.argv = [sys.argv[2], *sys.argv[3:]]; "
        "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-I", "-S", "-c", bootstrap, home, name]


def _mypy_in_a_fork(
    arguments: list[str], folder: Path, seed: Path | None
) -> subprocess.CompletedProcess[str]:
    """mypy's own API in a forked child of this trusted process, within the tool limit.

    A warm judge has mypy imported already (`prepare_judge`), so a fork skips the 0.2 s
    an interpreter spends starting and importing it. The child is a separate process like
    `python -I -m mypy`: it runs in the private folder, without the MYPY* variables of the
    environment, reads only the files named and our config, and is killed past the limit.
    """
    for attempt in range(1, TOOL_ATTEMPTS + 1):
        pid, read_end = _fork_mypy(arguments, folder, seed)
        answer: bytes | None = _read_all(read_end, TOOL_TIMEOUT_SECONDS)
        if answer is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        if answer is not None:
            return _completed(answer, ["mypy", *arguments])
        logger.warning(
            "A grading tool ran past its limit",
            extra={"tool": "mypy", "attempt": attempt, "limit_seconds": TOOL_TIMEOUT_SECONDS},
        )
    raise ToolTimeout("mypy", TOOL_TIMEOUT_SECONDS, TOOL_ATTEMPTS)


def _fork_mypy(arguments: list[str], folder: Path, seed: Path | None) -> tuple[int, int]:
    """Fork a child that runs mypy's API in `folder`; its pid and its answer pipe's read end.

    The child copies the seed cache into the folder first (`_place_seed`), off the
    parent's clock: a run started early then costs its grader only the fork.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: check, report as JSON, and leave without clean-up
        # Nothing the parent left for the garbage collector is collected here: its
        # finalizers (a grader's gateway shutting down, waiting for a server thread that
        # the fork did not copy) would wait forever. mypy's own objects are collected.
        gc.freeze()
        code = 2
        try:
            os.close(read_end)
            _place_seed(seed, folder)
            os.chdir(folder)
            for name in [key for key in os.environ if key.startswith("MYPY")]:
                del os.environ[name]
            from mypy import api

            out, err, code = api.run(arguments)
            with os.fdopen(write_end, "wb") as report:
                report.write(json.dumps([out, err, code]).encode())
        finally:
            os._exit(0 if code in (0, 1) else 1)
    os.close(write_end)
    return pid, read_end


def _completed(answer: bytes, command: list[str]) -> subprocess.CompletedProcess[str]:
    """The CompletedProcess a forked mypy's JSON answer stands for."""
    try:
        out, err, code = json.loads(answer)
    except ValueError:
        out, err, code = "", "mypy ended without an answer.", 2
    return subprocess.CompletedProcess(command, int(code), out, err)


def _read_all(fd: int, timeout: float) -> bytes | None:
    """Everything written to `fd` until its writer closes it, or None past `timeout`."""
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def _ruff_binary() -> str:
    """The ruff executable of the engine's installation (ruff is a compiled program)."""
    from ruff import find_ruff_bin  # type: ignore[import-untyped]

    return str(find_ruff_bin())


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a tool; past TOOL_TIMEOUT_SECONDS try again, then raise ToolTimeout."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "LANG": "C.UTF-8", "NO_COLOR": "1"}
    if "SYSTEMROOT" in os.environ:  # Windows: Python cannot start without it
        env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]
    tool = "mypy" if "mypy" in command else Path(command[0]).name
    for attempt in range(1, TOOL_ATTEMPTS + 1):
        try:
            # Fixed arguments and file names the grader chose; no shell.
            return subprocess.run(  # noqa: S603
                command,
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=TOOL_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            logger.warning(
                "A grading tool ran past its limit",
                extra={"tool": tool, "attempt": attempt, "seconds": TOOL_TIMEOUT_SECONDS},
            )
    raise ToolTimeout(tool, TOOL_TIMEOUT_SECONDS, TOOL_ATTEMPTS)
