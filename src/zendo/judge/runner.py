"""The trusted judge process: run one lesson's v2 graders over one submission.

`python -P -m zendo.judge.runner JOB.json` (started by `judge.lesson`, the engine's
side) reads its job (`judge.job`), runs the graders with pytest and this package's
plugin and writes a results file. It never executes learner code: each exercise's code
runs in its own sandbox, reached only through the protocol. The warm and batch judges
run the same `run_job` in children they fork, with these imports already done; none of
them imports pydantic.

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
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from zendo.judge.job import JudgeJob

if TYPE_CHECKING:
    from zendo.judge.plugin import JudgePlugin

logger = logging.getLogger(__name__)

ONE_JOB_MODULE = "zendo.judge.runner"  # `python -P -m` this: a judge for one job
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
    job = JudgeJob.read(job_path)
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

    pytest reaches each grader by collecting every folder on its way down from the
    highest folder that is not above `--confcutdir`, listing all of each one's entries.
    That defaults to the ini file's folder, here the judge's own: a course under /tmp
    with a judge in /dev/shm had pytest list the whole of /tmp (two thousand entries on
    our machines, 85 ms of every check), and a course under /home would list every
    user's home. `--confcutdir` at the graders' own folder starts the walk there.
    """
    ini = folder / "pytest.ini"
    ini.write_text("[pytest]\nnorecursedirs =\n", encoding="utf-8")
    args = [*job.grader_files, "-c", str(ini), "--rootdir", str(folder)]
    if (common := graders_folder(job.grader_files)) is not None:
        args += ["--confcutdir", common]
    args += ["--assert=plain", "--noconftest"]
    for unused in QUIET_PLUGINS:
        args += ["-p", f"no:{unused}"]
    return args


def graders_folder(grader_files: Sequence[str]) -> str | None:
    """The deepest folder that holds every grader file (`tests/graders/NN_slug`, say);
    None for no grader, or graders on two drives (Windows)."""
    try:
        return os.path.commonpath([os.path.dirname(path) for path in grader_files])
    except ValueError:
        return None


def write_results(job: JudgeJob, plugin: JudgePlugin, code: int, problems: list[str]) -> None:
    """Write what the graders found to the job's results file, for `judge.lesson`."""
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
