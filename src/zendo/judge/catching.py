"""Keep the exception a learner's call raised in the sandbox, as a handle, to read it.

An `Observation` carries an exception as data (class names, message): enough for most
checks. Some exercises ask for an exception that holds facts of its own (a
`CurrencyMismatchError` that keeps `.left` and `.right`); `caught` keeps that exception
object in the sandbox and returns a handle to it, so the grader can `.get()` its
attributes and compare them here.

Usage:
    add = learner.stdlib("operator").get("add").handle
    observed = caught(learner, add, euros, dollars)   # Observation; value: Handle or None
    error = observed.value
    if error is not None:
        left = error.get("left").value
"""

from __future__ import annotations

from dataclasses import replace

from zendo.judge.client import Handle, Learner, Observation

# Runs beside the learner's code, which can read it: it holds no expected value.
_CATCHER_SOURCE = """\
def catch(target, *args, **kwargs):
    try:
        target(*args, **kwargs)
    except Exception as error:
        return error
    return None
"""
_CATCHER_MODULE = "zendo_judge_catcher"


def caught(learner: Learner, target: Handle, *args: object, **kwargs: object) -> Observation:
    """Call `target` in the sandbox; the observation's value is the exception it raised.

    The value is a `Handle` to the exception object (it stays in the sandbox), or `None`
    when the call returned normally. An exception that is not an `Exception` (a
    `SystemExit`, say) is not caught: it comes back as the observation's `raised`.
    """
    catcher = learner.define(_CATCHER_MODULE, _CATCHER_SOURCE)
    observed = catcher.call("catch", target, *args, **kwargs)
    shown = f"{target.origin or target.shown}({_listed(args, kwargs)})"
    return replace(observed, shown=shown)


def _listed(args: tuple[object, ...], kwargs: dict[str, object]) -> str:
    def shown(value: object) -> str:
        return (value.origin or value.shown) if isinstance(value, Handle) else repr(value)

    parts = [shown(arg) for arg in args] + [f"{key}={shown(item)}" for key, item in kwargs.items()]
    return ", ".join(parts)
