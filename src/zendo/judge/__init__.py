"""The judge: the trusted side of v2 grading, and the toolkit v2 graders import.

Graders (plain pytest) run in a trusted judge process that never executes learner code.
They reach it through the `learner` fixture, a client of that exercise's sandbox
(`zendo.judge.sandbox`, bubblewrap on Linux), and judge what comes back here: exact
values, exceptions as data, handles for objects that stay in the sandbox.

Usage:
    from zendo.judge import exercise, expect, check_table, property_test

    @exercise("calc.split")
    def test_split_fixed_cases(learner):
        check_table(learner, "split", [((100, 3), [34, 33, 33])], hint="lost_cent")

See docs/authoring.md ("Writing a v2 grader") and docs/grading-protocol.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zendo.judge.catching import caught
    from zendo.judge.client import (
        Handle,
        Learner,
        LearnerFailure,
        Observation,
        Raised,
        SubmissionBroken,
        TooSlow,
        show,
    )
    from zendo.judge.kinds import a_kind, kind
    from zendo.judge.logs import LogCapture, LogEntry, capture_logs
    from zendo.judge.mypy_graded import run_mypy_graded, start_mypy_graded
    from zendo.judge.ruff_project import CommandRun, run_ruff_command
    from zendo.judge.sandbox import SandboxDied, SandboxGone, SandboxTimeout
    from zendo.judge.spare import grader_imports
    from zendo.judge.toolkit import (
        BUDGETS,
        Raises,
        Row,
        Submitted,
        before_tests,
        check_table,
        exercise,
        expect,
        expect_outcome,
        fail,
        hypothesis_settings,
        note,
        property_test,
        same,
    )
    from zendo.judge.tools import Finding, ToolRun, run_mypy, run_ruff, start_mypy
    from zendo.judge.values import Iterate

# Names load on first use, so the engine can start a judge (zendo.judge.runner,
# zendo.judge.sandbox) without importing pytest and hypothesis, about 0.7 s.
_HOMES = {
    "catching": ["caught"],
    "client": ["Handle", "Learner", "LearnerFailure", "Observation", "Raised",
               "SubmissionBroken", "TooSlow", "show"],
    "kinds": ["a_kind", "kind"],
    "logs": ["LogCapture", "LogEntry", "capture_logs"],
    "mypy_graded": ["run_mypy_graded", "start_mypy_graded"],
    "ruff_project": ["CommandRun", "run_ruff_command"],
    "sandbox": ["SandboxDied", "SandboxGone", "SandboxTimeout"],
    "spare": ["grader_imports"],
    "toolkit": ["BUDGETS", "Raises", "Row", "Submitted", "before_tests", "check_table",
                "exercise", "expect", "expect_outcome", "fail", "hypothesis_settings",
                "note", "property_test", "same"],
    "tools": ["Finding", "ToolRun", "run_mypy", "run_ruff", "start_mypy"],
    "values": ["Iterate"],
}  # fmt: skip
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'zendo.judge' has no attribute {name!r}")
    return getattr(importlib.import_module(f"zendo.judge.{module}"), name)


__all__ = [
    "BUDGETS",
    "CommandRun",
    "Finding",
    "Handle",
    "Iterate",
    "Learner",
    "LearnerFailure",
    "LogCapture",
    "LogEntry",
    "Observation",
    "Raised",
    "Raises",
    "Row",
    "SandboxDied",
    "SandboxGone",
    "SandboxTimeout",
    "SubmissionBroken",
    "Submitted",
    "TooSlow",
    "ToolRun",
    "a_kind",
    "before_tests",
    "capture_logs",
    "caught",
    "check_table",
    "exercise",
    "expect",
    "expect_outcome",
    "fail",
    "grader_imports",
    "hypothesis_settings",
    "kind",
    "note",
    "property_test",
    "run_mypy",
    "run_mypy_graded",
    "run_ruff",
    "run_ruff_command",
    "same",
    "show",
    "start_mypy",
    "start_mypy_graded",
]
