"""Helpers the security lesson's v2 graders share: errors as data, ruff on the cell.

Everything here runs in the trusted judge process. Learner code is reached only through
the `learner` fixture; every comparison (a sentinel in a message, a rule in a finding)
is made here, never in the sandbox.
"""

from __future__ import annotations

from zendo.judge import Handle, Learner, Observation, Submitted, caught, fail, run_ruff

CELL_FILE = "cell.py"


def error_types(observed: Observation) -> list[str]:
    """The pydantic error types of an observation that raised (empty when none)."""
    if observed.raised is None:
        return []
    return [str(error.get("type", "")) for error in observed.raised.errors]


def error_locs(observed: Observation) -> list[tuple[str, ...]]:
    if observed.raised is None:
        return []
    return [tuple(error.get("loc", [])) for error in observed.raised.errors]


def error_texts(learner: Learner, target: Handle, *args: object) -> tuple[str, str] | None:
    """`str()` and `repr()` of what `target(*args)` raised, read here; None if it returned."""
    error = caught(learner, target, *args).value
    if error is None:
        return None
    assert isinstance(error, Handle)
    text = learner.op("str", error).value
    shown = learner.op("repr", error).value
    return (text if type(text) is str else ""), (shown if type(shown) is str else "")


def ruff_findings(submitted: Submitted, select: list[str], *, hint: str, why: str) -> None:
    """Fail with the first finding of ruff `select` in the exercise cell (noqa ignored).

    ruff reads the whole graded source, so that it knows what the setup cell imported
    (`yaml.load` is only flagged when ruff sees `import yaml`); only findings on the
    exercise cell's lines count.
    """
    run = run_ruff({CELL_FILE: submitted.source}, select=select)
    findings = [f for f in run.in_file(CELL_FILE) if submitted.cell_line(f.line) is not None]
    if run.crashed:
        fail(
            f"ruff could not check your cell (exit code {run.exit_code}); run the cell to "
            "see that it is valid Python, then check again.",
            hint=hint,
        )
    if findings:
        first = findings[0]
        listed = ", ".join(f"{f.code} at {submitted.where(f.line)}" for f in findings[:3])
        fail(
            f"`ruff check --select {','.join(select)} --ignore-noqa` finds {listed} "
            f"({first.code}: {first.message.rstrip('.')}). {why}",
            hint=hint,
        )
