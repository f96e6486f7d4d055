"""Graders for the warm-up exercise of the welcome lesson (solutions/00_welcome.ipynb).

The exercise exists to show a learner the loop of write, run, check and hint, so each
check is small and its message says exactly what was called and what came back. The
graders run in the trusted judge process; `learner` reaches the learner's `greet` in its
sandbox, and every comparison is made here.
"""

from __future__ import annotations

from zendo.judge import Learner, exercise, expect, fail, show


def _greeting(learner: Learner, name: str, expected: str) -> object:
    observed = learner.call("greet", name)
    if observed.raised is not None:
        if observed.raised.is_a(NotImplementedError):
            observed.value  # noqa: B018 - fails with "this part is not done yet"
        fail(f"greet({name!r}) {observed.describe()}; expected {expected!r}.", hint="exact_text")
    return observed.value


@exercise("welcome.greet", title='Greets a name with exactly "Hello, <name>!"')
def test_greets_by_name(learner: Learner) -> None:
    for name in ("Ada", "Grace Hopper"):
        expected = f"Hello, {name}!"
        got = _greeting(learner, name, expected)
        expect(
            got is not None,
            f"greet({name!r}) returned None: the function printed or forgot its answer.",
            hint="return_text",
        )
        expect(
            type(got) is str and got == expected,
            f"greet({name!r}) returned {show(got)}; expected {expected!r}.",
            hint="exact_text",
        )


@exercise("welcome.greet", title="Ignores the spaces around the name")
def test_strips_spaces_around_the_name(learner: Learner) -> None:
    for name in ("  Ada ", "\tAda\n"):
        got = _greeting(learner, name, "Hello, Ada!")
        expect(
            type(got) is str and got == "Hello, Ada!",
            f"greet({name!r}) returned {show(got)}; expected 'Hello, Ada!'.",
            hint="strip",
        )


@exercise("welcome.greet", title="Refuses an empty name with ValueError")
def test_refuses_an_empty_name(learner: Learner) -> None:
    for name in ("", "   "):
        observed = learner.call("greet", name)
        if observed.raised is not None and observed.raised.is_a(NotImplementedError):
            observed.value  # noqa: B018 - fails with "this part is not done yet"
        expect(
            observed.raised is not None and observed.raised.is_a(ValueError),
            f"greet({name!r}) {observed.describe()}; expected it to raise ValueError.",
            hint="empty_name",
        )
