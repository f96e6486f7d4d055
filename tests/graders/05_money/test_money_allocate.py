"""v2 graders of money.allocate: allocate minor units by ratios without losing one.

Exact parts are computed here with `Fraction`; the learner's `allocate` is only called,
through the `learner` fixture. Each property starts with a fixed table of edge cases
(`@example`), so most wrong answers fail on those before any search.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hypothesis import example
from hypothesis import strategies as st
from money_helpers import check_shares, exact_part, shares_call

from zendo.judge import (
    Learner,
    Raises,
    Row,
    check_table,
    exercise,
    expect,
    fail,
    property_test,
    show,
)


def check_allocation(
    learner: Learner,
    total: int,
    ratios: Sequence[int],
    *,
    refund: bool = False,
) -> list[int]:
    """allocate(total, ratios) keeps every unit and moves each exact part by under a unit.

    For a share one unit or more away from its exact part, the hint says how it went
    wrong: a refund, a whole exact part that was changed, a pile of leftover units, or
    a share that fell short.
    """
    ratios = list(ratios)
    shown = shares_call("allocate", total, ratios)
    got = learner.call("allocate", total, list(ratios)).value
    if refund:
        shares = check_shares(shown, got, total, len(ratios), hint="negative_totals")
    else:
        shares = check_shares(shown, got, total, len(ratios), hint="lost_cent")
    whole = sum(ratios)
    for position, (share, ratio) in enumerate(zip(shares, ratios, strict=True), start=1):
        excess = share * whole - total * ratio  # the distance, scaled by whole
        if abs(excess) < whole:
            continue
        message = (
            f"{shown} returned {show(shares)}: share {position} is {share}, but its exact "
            f"part is {exact_part(total, ratio, whole)}; every share must be less than one "
            "unit away from its exact part."
        )
        if refund:
            fail(message, hint="negative_totals")
        if excess < 0:
            fail(message, hint="follow_the_ratios")
        if (total * ratio) % whole == 0:
            fail(message, hint="leftover_to_rounded_down")
        fail(message, hint="remainder_on_last")
    return shares


@exercise("money.allocate", title="Allocates known cases, leftovers first")
def test_allocate_fowler_cases(learner: Learner) -> None:
    for total, ratios, expected in [
        (5, [70, 30], [4, 1]),
        (5, [3, 7], [2, 3]),
        (10000, [50, 30, 20], [5000, 3000, 2000]),
        (10000, [1, 1, 1], [3334, 3333, 3333]),
        (0, [1, 2], [0, 0]),
    ]:
        shares = check_allocation(learner, total, ratios)
        expect(
            shares == expected,
            f"{shares_call('allocate', total, ratios)} returned {show(shares)}; expected "
            f"{expected!r}: leftover units go, one each, to the earliest shares that were "
            "rounded down.",
            hint="extra_units_first",
        )


@exercise("money.allocate", title="A share whose exact part is whole stays whole")
def test_allocate_gives_a_zero_ratio_nothing(learner: Learner) -> None:
    # Each case has a share whose exact part is already whole; it must stay untouched.
    for total, ratios in [
        (1, [0, 1, 1]),
        (3, [0, 1, 1]),
        (-3, [0, 1, 1]),
        (6, [2, 1, 1]),
        (7, [1, 0, 1]),
    ]:
        shares = check_allocation(learner, total, ratios)
        whole = sum(ratios)
        for position, (share, ratio) in enumerate(zip(shares, ratios, strict=True), start=1):
            exact = Fraction(total * ratio, whole)
            expect(
                exact.denominator != 1 or share == exact,
                f"{shares_call('allocate', total, ratios)} returned {show(shares)}: share "
                f"{position} is {share}, but its exact part is "
                f"{exact_part(total, ratio, whole)}, a whole number, so it must stay "
                f"{exact.numerator}.",
                hint="leftover_to_rounded_down",
            )


ratio_lists = st.lists(st.integers(1, 100), min_size=1, max_size=8)


@exercise("money.allocate", title="The shares add up to the total")
@property_test("quick", total=st.integers(-(10**6), 10**6), ratios=ratio_lists)
@example(total=100, ratios=[1, 1, 1])
@example(total=-100, ratios=[1, 1, 1])
@example(total=1, ratios=[3, 7])
@example(total=10**6, ratios=[7, 11, 13, 17, 19, 23, 29, 31])
def test_allocate_keeps_every_unit(learner: Learner, total: int, ratios: list[int]) -> None:
    shown = shares_call("allocate", total, ratios)
    got = learner.call("allocate", total, list(ratios)).value
    hint = "negative_totals" if total < 0 else "lost_cent"
    check_shares(shown, got, total, len(ratios), hint=hint)


@exercise("money.allocate", title="Each share is within a unit of its exact part")
@property_test("quick", total=st.integers(0, 10**6), ratios=ratio_lists)
@example(total=10, ratios=[1, 1, 1, 1, 1, 1, 1, 1])
@example(total=999, ratios=[1, 2, 3, 4])
@example(total=7, ratios=[5, 5])
def test_allocate_follows_the_ratios(learner: Learner, total: int, ratios: list[int]) -> None:
    check_allocation(learner, total, ratios)


@exercise("money.allocate", title="Allocates refunds (negative totals) too")
@property_test("quick", total=st.integers(-(10**6), -1), ratios=ratio_lists)
@example(total=-100, ratios=[1, 1, 1])
@example(total=-1, ratios=[1, 1])
@example(total=-5, ratios=[70, 30])
def test_allocate_handles_refunds(learner: Learner, total: int, ratios: list[int]) -> None:
    check_allocation(learner, total, ratios, refund=True)


@exercise("money.allocate", title="Refuses empty, negative or all-zero ratios")
def test_allocate_rejects_bad_ratios(learner: Learner) -> None:
    check_table(
        learner,
        "allocate",
        [
            Row(
                (100, [0, 0]), Raises(ValueError), why="Ratios that are all zero describe no split."
            ),
            Row((100, []), Raises(ValueError), why="No ratios means nobody to allocate to."),
            Row((100, [3, -1]), Raises(ValueError), why="A negative ratio makes no sense."),
        ],
        hint="invalid_ratios",
    )
