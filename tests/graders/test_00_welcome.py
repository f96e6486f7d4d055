"""Graders for the warm-up exercise of the welcome lesson (solutions/00_welcome.ipynb).

The exercise exists to show a learner the loop of write, run, check and hint, so each
check is small and its message says exactly what was called and what came back.
"""

from __future__ import annotations

from types import ModuleType

from zendo.grading import attempt, exercise, expect, fail, show


def _greeting(submission: ModuleType, name: str, expected: str) -> object:
    outcome = attempt(lambda: submission.greet(name))
    if outcome.error is not None:
        fail(f"greet({name!r}) {outcome.describe()}; expected {expected!r}.", hint="exact_text")
    return outcome.value


@exercise("welcome.greet", title='Greets a name with exactly "Hello, <name>!"')
def test_greets_by_name(submission: ModuleType) -> None:
    for name in ("Ada", "Grace Hopper"):
        expected = f"Hello, {name}!"
        got = _greeting(submission, name, expected)
        expect(
            got is not None,
            f"greet({name!r}) returned None: the function printed or forgot its answer.",
            hint="return_text",
        )
        expect(
            got == expected,
            f"greet({name!r}) returned {show(got)}; expected {expected!r}.",
            hint="exact_text",
        )


@exercise("welcome.greet", title="Ignores the spaces around the name")
def test_strips_spaces_around_the_name(submission: ModuleType) -> None:
    for name in ("  Ada ", "\tAda\n"):
        got = _greeting(submission, name, "Hello, Ada!")
        expect(
            got == "Hello, Ada!",
            f"greet({name!r}) returned {show(got)}; expected 'Hello, Ada!'.",
            hint="strip",
        )


@exercise("welcome.greet", title="Refuses an empty name with ValueError")
def test_refuses_an_empty_name(submission: ModuleType) -> None:
    for name in ("", "   "):
        outcome = attempt(lambda name=name: submission.greet(name))
        expect(
            isinstance(outcome.error, ValueError),
            f"greet({name!r}) {outcome.describe()}; expected it to raise ValueError.",
            hint="empty_name",
        )
