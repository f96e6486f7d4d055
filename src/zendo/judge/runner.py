"""Run one lesson's v2 graders over one submission: the trusted judge process.

`judge_lesson` (the engine's side) writes a job file and starts
`python -P -m zendo.judge.runner JOB.json`, a trusted process that runs the graders with
pytest and this package's plugin. That process never executes learner code: each
exercise's code runs in its own sandbox, reached only through the protocol. Its results
come back as a JSON file, validated with pydantic on arrival.

Hypothesis is configured before any grader is imported, with the same fixed settings in
every path (derandomized, no example database, no deadline), so a plain `@given` behaves
like `property_test("standard", ...)`.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zendo._extract import ExerciseSource, module_name
from zendo._limits import Limits
from zendo._results import ChildOutcome
from zendo.judge.prestart import judge_environment, take_prestarted
from zendo.judge.sandbox import Isolation, SandboxLimits, choose_isolation, stdio_needed
from zendo.judge.scratch import scratch_folder
from zendo.judge.warm import WarmJudge, WarmJudgeError

if TYPE_CHECKING:
    from zendo.judge.plugin import JudgePlugin

logger = logging.getLogger(__name__)

# Beyond the exercises' own limits (which hold inside, per sandbox): tools, start-up. A
# busy machine (another learner's code burning every core) slows the judge; that must
# not become this learner's verdict, so the slack is generous (a tool's two attempts).
RUNNER_SLACK_SECONDS = 600.0
ONE_JOB_MODULE = "zendo.judge.runner"  # `python -P -m` this: a judge for one job
# The judge itself overran: never a verdict on the learner's code, which has its own limit.
JUDGE_OVERRAN = (
    "Grading did not finish in time: the grading machine was too busy or a grader is too "
    "slow. This is not a verdict on your code; check again later, or ask your instructor "
    "to grade again."
)
# pytest plugins a judge has no use for. unraisableexception and threadexception run
# gc.collect twice at exit: about 260 ms in a judge that has hypothesis and pydantic loaded.
# logging and warnings wrap every test (log capture, a warnings filter), setuponly and
# setupplan every fixture: together about 1.5 ms of an anchor submission's twelve tests,
# for records and warnings of the judge's own code that no verdict reads (graders judge
# the learner's logs from the sandbox, `zendo.judge.logs`). debugging, faulthandler,
# unittest and subtests serve no grader (none uses pdb, unittest or subtests; a hung
# judge is killed from outside): leaving them out took 20 anchor submissions 0.83 ->
# 0.79 s (interleaved A/B, medians of 7).
QUIET_PLUGINS = (
    "terminal", "cacheprovider", "stepwise", "doctest", "junitxml", "pastebin",
    "unraisableexception", "threadexception", "logging", "warnings", "setuponly", "setupplan",
    "debugging", "faulthandler", "unittest", "subtests",
)  # fmt: skip


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExerciseSpec(_Model):
    exercise_id: str
    module: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    source: str
    cell_start_line: int = Field(ge=1)
    timeout_seconds: float = Field(gt=0, le=3600)
    defined_elsewhere: dict[str, str] = {}


class JudgeJob(_Model):
    """Everything the judge process needs; no path into the course but the grader files."""

    grader_files: list[str]
    hidden_files: list[str] = []  # those of grader_files whose outcomes are hidden
    exercises: list[ExerciseSpec]
    memory_mb: int
    max_file_mb: int
    max_processes: int
    max_output_chars: int
    isolation: Isolation
    stdio: bool = False  # the sandbox protocol over stdin/stdout (Windows; forced in tests)
    results_path: str

    def sandbox_limits(self) -> SandboxLimits:
        """The limits every sandbox of this job is started with."""
        return SandboxLimits(
            memory_mb=self.memory_mb,
            max_file_mb=self.max_file_mb,
            max_processes=self.max_processes,
            max_output_chars=self.max_output_chars,
        )


class JudgeResults(_Model):
    outcomes: list[ChildOutcome]
    collected: dict[str, dict[str, int]]
    exit_code: int
    problems: list[str] = []


@dataclass(frozen=True)
class JudgeRun:
    """What one judge run produced: outcomes per test, tests per exercise, how it ended."""

    outcomes: list[ChildOutcome]
    collected: dict[str, dict[str, int]]
    fate: str  # "finished", "timeout" (the judge itself overran) or "internal"
    detail: str = ""
    isolation: Isolation = Isolation.BUBBLEWRAP


def judge_lesson(
    grader_files: Sequence[Path],
    sources: Mapping[str, ExerciseSource],
    timeouts: Mapping[str, float],
    limits: Limits,
    *,
    allow_unsandboxed: bool = False,
    warm: WarmJudge | None = None,
    hidden: Sequence[Path] = (),
    stdio: bool | None = None,
) -> JudgeRun:
    """Grade `sources` (by exercise id) with the lesson's v2 grader modules.

    With `warm`, the job runs in a fresh child of that warm judge (same `run_job`, without
    the imports); otherwise in a new judge process. The outcomes of the modules in
    `hidden` (also listed in `grader_files`) are marked hidden. `stdio` runs each
    sandbox's protocol over its stdin and stdout, as it must on Windows (default: only
    there); tests force it on Linux.
    """
    isolation = choose_isolation(allow_unsandboxed=allow_unsandboxed)
    with tempfile.TemporaryDirectory(prefix="zendo-judge-", dir=scratch_folder()) as folder:
        results_path = Path(folder) / "results.json"
        job = JudgeJob(
            grader_files=[str(grader.resolve()) for grader in grader_files],
            hidden_files=[str(grader.resolve()) for grader in hidden],
            exercises=[
                ExerciseSpec(
                    exercise_id=exercise_id,
                    module=module_name(exercise_id),
                    source=source.source,
                    cell_start_line=source.cell_start_line,
                    timeout_seconds=timeouts[exercise_id],
                    defined_elsewhere=dict(source.defined_elsewhere),
                )
                for exercise_id, source in sources.items()
            ],
            memory_mb=limits.memory_mb,
            max_file_mb=limits.max_file_mb,
            max_processes=limits.max_processes,
            max_output_chars=limits.max_output_chars,
            isolation=isolation,
            stdio=stdio_needed() if stdio is None else stdio,
            results_path=str(results_path),
        )
        job_path = Path(folder) / "job.json"
        job_path.write_text(job.model_dump_json(), encoding="utf-8")
        hard_limit = sum(timeouts.values()) + RUNNER_SLACK_SECONDS
        if warm is not None:
            try:
                code = warm.run(job_path, hard_limit=hard_limit)
            except WarmJudgeError as error:
                logger.warning("The warm judge failed; judging cold", extra={"why": str(error)})
            else:
                if code is None:
                    return JudgeRun([], {}, "timeout", JUDGE_OVERRAN, isolation)
                return _collect(results_path, job_path.parent / "judge.log", isolation)
        process, job_line, its_folder = _one_job_judge(job_path, folder)
        try:
            log, _ = process.communicate(job_line, timeout=hard_limit)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                if hasattr(os, "killpg"):
                    os.killpg(process.pid, signal.SIGKILL)
                else:  # Windows: no process groups to kill; the judge itself
                    process.kill()
            process.communicate()
            return JudgeRun([], {}, "timeout", JUDGE_OVERRAN, isolation)
        finally:
            if its_folder is not None:
                its_folder.cleanup()
        (Path(folder) / "judge.log").write_bytes(log)
        return _collect(results_path, Path(folder) / "judge.log", isolation)


def _one_job_judge(
    job_path: Path, folder: str
) -> tuple[subprocess.Popen[bytes], bytes | None, tempfile.TemporaryDirectory[str] | None]:
    """A judge process for this one job, what to write to its stdin, and its own folder.

    The one `zendo check` spawned before the engine was imported (`judge.prestart`) if
    there is one, told the job's path on stdin (its working folder is removed after
    it); otherwise a new one working in the job's folder, given the path on argv.
    """
    spawned = take_prestarted(ONE_JOB_MODULE)
    if spawned is not None:
        logger.info("Adopted a judge spawned before the engine", extra={"server": "judge"})
        return spawned.process, f"{job_path}\n".encode(), spawned.folder
    command = [sys.executable, "-P", "-m", ONE_JOB_MODULE, str(job_path)]
    process = subprocess.Popen(  # noqa: S603 - fixed argv, trusted job file
        command,
        cwd=folder,
        env=judge_environment(folder),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=hasattr(os, "setsid"),
    )
    return process, None, None


def _collect(results_path: Path, log_path: Path, isolation: Isolation) -> JudgeRun:
    """Read and validate a judge's results file; a missing or bad one is an internal fault."""
    try:
        results = JudgeResults.model_validate_json(results_path.read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        with contextlib.suppress(OSError):
            text = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            return JudgeRun([], {}, "internal", f"The judge process failed: {text}", isolation)
        return JudgeRun([], {}, "internal", "The judge process failed silently.", isolation)
    detail = "; ".join(results.problems)
    fate = "finished" if results.exit_code in (0, 1, 5) and not results.problems else "internal"
    return JudgeRun(results.outcomes, results.collected, fate, detail, isolation)


def prepare_judge(private: Path | None = None) -> None:
    """Everything a judge imports and configures before it grades (the warm judge does it once).

    `private`: the judge's own working folder, removed with it (files its forks share).
    """
    _configure_hypothesis()
    _warm_hypothesis()
    import pytest  # noqa: F401 - imported ahead, for the jobs forked after

    import zendo.judge
    import zendo.judge.plugin  # noqa: F401

    with contextlib.suppress(ImportError):  # mypy runs in forks of the judge (judge.tools)
        import mypy.api
        import mypy.main  # noqa: F401
    from zendo.judge.mypy_graded import prepare_config

    prepare_config(private)


def _warm_hypothesis() -> None:
    """Run one tiny property, so the jobs a warm judge forks skip hypothesis's first run.

    Hypothesis builds much of its machinery the first time a property runs in a process:
    on the Zen lesson's three properties in a forked child, 206 ms median without this
    against 128 ms with it (2 shared cores). Run once in the warm parent, every child
    inherits it. The property draws plain values and checks nothing (its text has an
    explicit alphabet: no Unicode tables to build). It lives in this module, which every
    judge imports, because hypothesis also draws constants from the source of every local
    module loaded: a module only the warm judge loaded would make its examples differ
    from a cold judge's.
    """
    from hypothesis import given
    from hypothesis import strategies as st

    from zendo.judge.toolkit import hypothesis_settings

    plain = st.none() | st.booleans() | st.integers(-3, 3) | st.text("ab", max_size=2)
    values = st.recursive(plain, lambda inner: st.lists(inner, max_size=2), max_leaves=3)

    @hypothesis_settings("smoke")
    @given(
        items=st.lists(values, max_size=3),
        mapping=st.fixed_dictionaries({}, optional={"key": values}),
        number=st.integers(1, 9999).map(lambda n: n * 2),
    )
    def draw_only(items: list[object], mapping: dict[str, object], number: int) -> None:
        """Draws and discards: the point is hypothesis's own set-up, done once."""

    draw_only()


def configure_hypothesis_when_imported() -> None:
    """Configure hypothesis (`_configure_hypothesis`) the moment anything imports it.

    Only the Zen and money graders use hypothesis; importing it costs a judge about 55 ms
    before its first job, so a judge does not import it ahead. But its settings must be
    ours before any grader sees hypothesis (a `settings(...)` made at import takes the
    default profile's values then): an import hook runs the configuration right after
    hypothesis's own package is executed, before the import that asked for it returns.
    Where hypothesis is imported already, this configures it now.
    """
    if "hypothesis" in sys.modules:
        _configure_hypothesis()
    elif not any(isinstance(finder, _ConfigureOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ConfigureOnImport())


class _ConfigureOnImport(importlib.abc.MetaPathFinder):
    """Finds hypothesis as the other finders do, and configures it once it is executed."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != "hypothesis":
            return None
        sys.meta_path.remove(self)  # once: the real finders answer from now on
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _ThenConfigure(spec.loader)
        return spec


class _ThenConfigure(importlib.abc.Loader):
    """hypothesis's own loader, then `_configure_hypothesis`; the module keeps its loader."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # hypothesis reads its own data files through its loader (importlib.resources).
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        _configure_hypothesis()


def _configure_hypothesis() -> None:
    from hypothesis import settings
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    from zendo.judge.toolkit import hypothesis_settings

    # Hypothesis also draws constants from the source of every "local" module loaded: here
    # the engine's own files when zendo is installed editable. Which of them are loaded
    # differs between a cold judge, a warm judge and an installed zendo, and so would the
    # examples. The pinned hypothesis's local pool is kept empty: examples depend on the
    # graders' strategies alone, the same on every path.
    empty = Constants()
    providers._get_local_constants = lambda: empty

    settings.register_profile("zendo-v2", hypothesis_settings("standard"))
    settings.load_profile("zendo-v2")


class _Problems:
    """Collection errors in the graders: a course fault, reported as such."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def pytest_collectreport(self, report: object) -> None:
        if getattr(report, "failed", False):
            self.found.append(str(getattr(report, "longrepr", ""))[-1500:])


def run_job(job_path: Path, *, boot_ahead: bool = False) -> int:
    """The judge process: run the graders with the plugin and write the results file.

    `boot_ahead` (a cold judge, with no spares of its own): a job of one exercise starts
    that exercise's sandbox before pytest collects the graders, so that the sandbox boots
    (about 35 ms: bubblewrap, Python, the observer, the code's first imports) while they
    are collected (about 30 ms), instead of after. The plugin takes it as a spare; if the
    exercise's tests need no sandbox, it is killed unused at the end.
    """
    job = JudgeJob.model_validate_json(job_path.read_text(encoding="utf-8"))
    configure_hypothesis_when_imported()
    if boot_ahead and len(job.exercises) == 1:
        _boot_ahead(job)
    import pytest

    plugin = judge_plugin(job)
    problems = _Problems()
    try:
        code = int(pytest.main(pytest_arguments(job, job_path.parent), plugins=[plugin, problems]))
    finally:
        plugin.close()
    write_results(job, plugin, code, problems.found)
    return 0


def _boot_ahead(job: JudgeJob) -> None:
    """Start, without waiting, the sandbox the job's one exercise would get (`run_job`)."""
    from zendo.judge.spare import POOL, shapes_for

    (spec,) = job.exercises
    exercise = (spec.exercise_id, spec.source, spec.cell_start_line)
    POOL.launch(shapes_for([exercise], job.sandbox_limits(), job.isolation, job.stdio))


def judge_plugin(job: JudgeJob) -> JudgePlugin:
    """The pytest plugin that grades `job`'s exercises (each in its own sandbox)."""
    from zendo.judge.plugin import ExerciseJob, JudgePlugin

    return JudgePlugin(
        exercises={
            spec.exercise_id: ExerciseJob(
                spec.exercise_id,
                spec.module,
                spec.source,
                spec.cell_start_line,
                spec.timeout_seconds,
                spec.defined_elsewhere,
            )
            for spec in job.exercises
        },
        limits=job.sandbox_limits(),
        isolation=job.isolation,
        hidden_files=frozenset(job.hidden_files),
        stdio=job.stdio,
    )


def pytest_arguments(job: JudgeJob, folder: Path) -> list[str]:
    """pytest's command line for `job`'s graders, with an ini file of its own in `folder`.

    The graders are named one by one, so pytest has no folder to search: no pattern of
    folders not to enter (`norecursedirs`, matched against each parent folder of every
    grader). No `conftest.py` is loaded (`--noconftest`): pytest would otherwise load one
    from every folder above the graders, a course repository's own test suite's
    (`tests/conftest.py`) included, into every judge, hooks and all. Graders judge with
    expect() and fail(), never bare assert: no assertion rewriting.
    """
    ini = folder / "pytest.ini"
    ini.write_text("[pytest]\nnorecursedirs =\n", encoding="utf-8")
    args = [*job.grader_files, "-c", str(ini), "--rootdir", str(folder)]
    args += ["--assert=plain", "--noconftest"]
    for unused in QUIET_PLUGINS:
        args += ["-p", f"no:{unused}"]
    return args


def write_results(job: JudgeJob, plugin: JudgePlugin, code: int, problems: list[str]) -> None:
    """Write what the graders found to the job's results file, for `_collect`."""
    if code not in (0, 1, 5):
        problems.append(f"pytest stopped with exit code {code} before grading finished.")
    results = {
        "outcomes": plugin.outcomes,
        "collected": plugin.collected,
        "exit_code": code,
        "problems": problems,
    }
    Path(job.results_path).write_text(json.dumps(results), encoding="utf-8")


def run_job_from_stdin() -> int:
    """A judge spawned before its job (`judge.prestart`): import, then read the job's path.

    Everything `run_job` imports is imported first, while the engine is still preparing
    the job; then one line on stdin names the job file. No line: nobody needed this judge.
    """
    import gc

    gc.disable()  # imports allocate much and free little: about a tenth faster without it
    import pytest  # noqa: F401 - imported ahead, while the engine writes the job

    import zendo.judge.plugin  # noqa: F401

    gc.enable()
    line = sys.stdin.readline().strip()
    return run_job(Path(line), boot_ahead=True) if line else 0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        exit_code = run_job(Path(sys.argv[1]), boot_ahead=True)
    else:
        exit_code = run_job_from_stdin()
    # The results are written; the engine waits for this process to end. Frozen, the
    # interpreter's collections at exit skip pytest's and the graders' objects.
    import gc

    gc.freeze()
    sys.exit(exit_code)
