"""mypy over a whole graded source, with the stand-in `zendo` the sandbox gives it.

A graded source is the notebook's `# setup` cells followed by the exercise cell, and a
setup cell usually says `from zendo.notebook import check, hint, ...`. `run_mypy` runs
mypy isolated (`python -I -S`), where the real engine is not importable, so that line
alone fails with `import-not-found` in every submission. `run_mypy_graded` points mypy
at the same stand-in package the sandbox puts first on `sys.path`
(`zendo/observer/stub/`, read-only, part of the engine), so the setup cell type-checks
as it runs, and nothing the learner wrote is on mypy's search path.

Usage:
    run = run_mypy_graded({"learner_money.py": submitted.source, "client.py": CLIENT})
    run.in_file("learner_money.py")
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

import zendo.observer
from zendo.judge.tools import ToolRun, run_mypy, start_mypy

STAND_INS = Path(zendo.observer.__file__).resolve().parent / "stub"


def run_mypy_graded(files: Mapping[str, str], *extra_args: str) -> ToolRun:
    """`run_mypy` (mypy --strict, isolated) with the stand-in `zendo` on mypy's path.

    Findings in the stand-in's own files are never about the learner's code: read the
    learner's with `run.in_file(name)`.
    """
    return run_mypy(files, "--config-file", str(prepare_config()), *extra_args)


def start_mypy_graded(files: Mapping[str, str], *extra_args: str) -> None:
    """Start `run_mypy_graded(files, *extra_args)` now; that call then collects its answer.

    For a grader's `before_tests` function (`zendo.judge.toolkit.before_tests`).
    """
    start_mypy(files, "--config-file", str(prepare_config()), *extra_args)


def prepare_config(folder: Path | None = None) -> Path:
    """The engine's mypy config plus `mypy_path`, written once per judge process.

    A judge that forks a child per job (warm or batch) writes it ahead in `folder`, its
    private working folder, which the engine removes with the judge: its children share
    it. Written on first use instead, it goes in a temporary folder removed at exit, but
    forked children never run exit handlers: one folder per graded submission was left
    behind.
    """
    global _config_path
    if _config_path is None:
        made = Path(tempfile.mkdtemp(prefix="zendo-mypy-config-", dir=folder))
        if folder is None:
            atexit.register(shutil.rmtree, made, True)
        config = made / "mypy.ini"
        # Flags come from the command line, as in run_mypy; only the search path is added.
        config.write_text(f"[mypy]\nmypy_path = {STAND_INS}\n", encoding="utf-8")
        _config_path = config
    return _config_path


_config_path: Path | None = None
