"""v2 graders of habits.mutants: the learner's tests must pass on split and kill six mutants.

The judge sends each version of `split` (the correct one and six mutants) into the
sandbox as text and compiles it there under the same name and the same file name
(`<split>`), replacing the module's global `split`; no version has a source file, so
`inspect` tells none of them apart, and the mutants' text lives only here until the
moment it is compiled. Then it calls each of the learner's `test_*` functions, one
request each: a test that raises failed, one that returns passed. Which versions the
tests catch is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

from zendo.judge import Learner, Observation, exercise, expect, fail

INSTALLER = '''\
def install(module, source):
    """Compile one version of split into the learner's module, under the same name."""
    exec(compile(source, "<split>", "exec"), module.__dict__)


def test_names(module):
    return [
        name for name, value in list(vars(module).items())
        if name.startswith("test_") and callable(value)
    ]
'''

HEAD = '''\
def split(total_minor, n):
    """Split total_minor units into n whole shares that add up to it."""
'''

CORRECT = (
    HEAD
    + """\
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    base, remainder = divmod(total_minor, n)
    return [base + 1] * remainder + [base] * (n - remainder)
"""
)


@dataclass(frozen=True)
class Mutant:
    """A broken version of split, and the plain words that say what it does wrong."""

    source: str
    words: str


ZERO_SHARES = Mutant(
    HEAD
    + """\
    if n < 0:
        raise ValueError(f"n must be at least 1, got {n}")
    base, remainder = divmod(total_minor, n)
    return [base + 1] * remainder + [base] * (n - remainder)
""",
    "checks `n < 0` instead of `n < 1`, so zero shares raise ZeroDivisionError rather "
    "than ValueError,",
)
EXTRA_LAST = Mutant(
    HEAD
    + """\
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    base, remainder = divmod(total_minor, n)
    return [base] * (n - remainder) + [base + 1] * remainder
""",
    "puts the extra units on the last shares instead of the first",
)
ROUNDS = Mutant(
    HEAD
    + """\
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return [round(total_minor / n)] * n
""",
    "rounds one share and repeats it, so the shares do not always add up to the total,",
)
ONE_SHORT = Mutant(
    HEAD
    + """\
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    base, remainder = divmod(total_minor, n)
    return [base + 1] * (remainder - 1) + [base] * (n - remainder + 1)
""",
    "hands out one extra unit too few (`remainder - 1`)",
)
FLOAT_DIVISION = Mutant(
    HEAD
    + """\
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    base = int(total_minor / n // 1)
    remainder = total_minor - base * n
    return [base + 1] * remainder + [base] * (n - remainder)
""",
    "divides with `/`, a float, so totals above 2**53 come out wrong,",
)
REFUND_BY_SIZE = Mutant(
    HEAD
    + """\
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    sign = -1 if total_minor < 0 else 1
    base, remainder = divmod(abs(total_minor), n)
    return [sign * (base + 1)] * remainder + [sign * base] * (n - remainder)
""",
    "splits a refund (a negative total) by size, so split(-100, 3) gives the -34 share "
    "first instead of last,",
)


def install(learner: Learner, source: str) -> list[str]:
    """Put one version of split in place; the names of the learner's test functions."""
    helper = learner.define("habits_versions", INSTALLER)
    module = learner.module
    assert module is not None
    helper.call("install", module, source).value  # noqa: B018 - raises if it failed
    names = helper.call("test_names", module).value
    if type(names) is not list or not all(type(name) is str for name in names):
        fail("The names of your test functions could not be read back.", hint="no_tests")
    expect(
        names,
        "Your cell defines no function whose name starts with test_; pytest would find no "
        "test in it.",
        hint="no_tests",
    )
    return sorted(names)


def run_tests(learner: Learner, names: list[str]) -> dict[str, Observation]:
    return {name: learner.call(name) for name in names}


def passes_on_correct(learner: Learner) -> list[str]:
    """Fail unless every test passes on the correct split; the tests' names."""
    names = install(learner, CORRECT)
    for name, observed in run_tests(learner, names).items():
        if observed.raised is None:
            continue
        if observed.raised.is_a(NotImplementedError):
            fail(f"{name}() raised NotImplementedError: not done yet.", hint="fails_on_correct")
        fail(
            f"{name}() fails on the correct version of split: it raised "
            f"{observed.raised.describe()}. Test only what the docstring promises.",
            hint="fails_on_correct",
        )
    return names


def catches(learner: Learner, mutant: Mutant, *, hint: str) -> None:
    passes_on_correct(learner)
    names = install(learner, mutant.source)
    outcomes = run_tests(learner, names)
    expect(
        any(observed.raised is not None for observed in outcomes.values()),
        f"A version of split that {mutant.words} passes all your tests "
        f"({', '.join(names)}). Write a test that fails on it.",
        hint=hint,
    )


@exercise("habits.mutants", title="Your tests pass on the correct split")
def test_mutants_pass_on_correct(learner: Learner) -> None:
    passes_on_correct(learner)


@exercise("habits.mutants", title="A version that allows zero shares is caught")
def test_mutants_catch_zero_shares(learner: Learner) -> None:
    catches(learner, ZERO_SHARES, hint="survivor_zero_shares")


@exercise("habits.mutants", title="A version with the extra units last is caught")
def test_mutants_catch_extra_last(learner: Learner) -> None:
    catches(learner, EXTRA_LAST, hint="survivor_order")


@exercise("habits.mutants", title="A version that rounds one share is caught")
def test_mutants_catch_rounding(learner: Learner) -> None:
    catches(learner, ROUNDS, hint="survivor_sum")


@exercise("habits.mutants", title="A version one extra unit short is caught")
def test_mutants_catch_one_short(learner: Learner) -> None:
    catches(learner, ONE_SHORT, hint="survivor_remainder")


@exercise("habits.mutants", title="A version that divides with floats is caught")
def test_mutants_catch_float_division(learner: Learner) -> None:
    catches(learner, FLOAT_DIVISION, hint="survivor_large_total")


@exercise("habits.mutants", title="A version that orders refunds by size is caught")
def test_mutants_catch_refund_order(learner: Learner) -> None:
    catches(learner, REFUND_BY_SIZE, hint="survivor_refund")
