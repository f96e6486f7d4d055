"""A test's three phases run the short way, when no pytest plugin needs its own part in them.

pytest runs each test through about fifteen hook calls: a start and an end to log, for
each phase (setup, call, teardown) the phase's hook with the capture and skipping
plugins' wrappers around it, an environment variable set and unset, a report made,
logged and checked for a debugger. In a judge, for a test that uses only the judge's
own fixtures and no marker but `exercise`, none of those plugins has anything to do:
no output is captured (the learner's code runs in its sandbox), nothing is skipped,
no terminal shows the report. That bookkeeping cost about 0.25 ms of CPU per test, more
than the judge's own work around an anchor submission's twelve calls: the judge child's
CPU for such a job fell from 8.3 to 5.3 ms without it.

`run_lean` runs such a test's phases directly, as pytest's `runtestprotocol` does:
setup through the session's setup state (fixtures, and their finalizers at teardown),
the call only if setup passed, teardown up to the next test. Each phase's outcome goes
to `on_phase` (the judge plugin's recording), and a failed one counts in the session's
failures, as pytest's own report would. An outcome only pytest's plugins can read
(a skip, an expected failure, a group of exceptions) takes pytest's own report hooks,
so it ends exactly as it would have. Every other test (other fixtures such as
`tmp_path` or `capsys`, `skip` or `xfail` marks) runs pytest's whole protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pytest

# Fixtures that need no plugin's hook around a test's phases: the judge's own, pytest's
# `request` and `monkeypatch` (undone by its finalizer at teardown).
LEAN_FIXTURES = frozenset({"learner", "submitted", "request", "monkeypatch"})
# Marks read only at collection: which exercise a test grades, its parameters.
LEAN_MARKS = frozenset({"exercise", "parametrize"})
# What pytest lets through a phase rather than report (it ends the whole run).
_RERAISED = (pytest.exit.Exception, KeyboardInterrupt)
# Outcomes whose report the skipping plugin or pytest itself reads in its own way.
_PLUGINS_OUTCOMES = (pytest.skip.Exception, pytest.xfail.Exception, BaseExceptionGroup)

_LEAN = pytest.StashKey[bool]()

PhaseRecorder = Callable[[pytest.Item, "pytest.CallInfo[None]", bool], None]


def runs_lean(item: pytest.Item) -> bool:
    """Whether `item` needs none of pytest's per-test plugins (kept on the item: a batch
    judge decides once, each submission's child inherits the answer)."""
    lean = item.stash.get(_LEAN, None)
    if lean is None:
        lean = (
            isinstance(item, pytest.Function)
            and set(item.fixturenames) <= LEAN_FIXTURES
            and all(mark.name in LEAN_MARKS for mark in item.iter_markers())
        )
        item.stash[_LEAN] = lean
    return lean


def run_lean(item: pytest.Item, nextitem: pytest.Item | None, on_phase: PhaseRecorder) -> None:
    """Set up, call and tear down `item`; `on_phase(item, call, failed)` after each phase."""
    session = item.session
    function = item if isinstance(item, pytest.Function) else None
    if function is not None and not getattr(function, "_request", True):  # run again
        function._initrequest()
    try:
        if _phase(item, "setup", lambda: session._setupstate.setup(item), on_phase) == "passed":
            _phase(item, "call", item.runtest, on_phase)
        if session.shouldfail or session.shouldstop:
            nextitem = None  # tear everything down, as pytest does before it stops
        _phase(item, "teardown", lambda: session._setupstate.teardown_exact(nextitem), on_phase)
    finally:
        if function is not None:  # the fixtures' values go, as after pytest's own run
            function._request = False  # type: ignore[assignment]
            function.funcargs = None  # type: ignore[assignment]


def _phase(
    item: pytest.Item,
    when: Literal["setup", "call", "teardown"],
    work: Callable[[], None],
    on_phase: PhaseRecorder,
) -> str:
    """Run one phase; its outcome: passed, failed or skipped."""
    call = pytest.CallInfo.from_call(work, when=when, reraise=_RERAISED)
    error = call.excinfo
    if error is not None and isinstance(error.value, _PLUGINS_OUTCOMES):
        # pytest's report hooks, the judge plugin's recording among them.
        report: pytest.TestReport = item.ihook.pytest_runtest_makereport(item=item, call=call)
        item.ihook.pytest_runtest_logreport(report=report)
        return report.outcome
    failed = error is not None
    on_phase(item, call, failed)
    if failed:
        item.session.testsfailed += 1
        return "failed"
    return "passed"
