"""v2 graders of money.split: split a whole number of minor units among n people.

The learner's `split` is called through the `learner` fixture; the shares come back as
exact values (a learner's int subclass arrives as a handle, never as an int) and every
check is made here. Each property starts with a fixed table of edge cases
(`@example`), so most wrong answers fail on those before any search.
"""

from __future__ import annotations

from hypothesis import example
from hypothesis import strategies as st
from money_helpers import check_shares

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


def check_split(learner: Learner, total: int, count: int, *, refund: bool = False) -> list[int]:
    """split(total, count) keeps every unit in count shares at most one unit apart."""
    shown = f"split({total}, {count})"
    got = learner.call("split", total, count).value
    if refund:
        shares = check_shares(shown, got, total, count, hint="negative_totals")
    else:
        shares = check_shares(shown, got, total, count, hint="lost_cent")
    spread = max(shares) - min(shares)
    if spread > 1:
        message = (
            f"{shown} returned {show(shares)}: the biggest and smallest shares differ by "
            f"{spread} units; they may differ by at most 1."
        )
        if refund:
            fail(message, hint="negative_totals")
        fail(message, hint="remainder_on_last")
    return shares


@exercise("money.split", title="Splits known bills, extra units first")
def test_split_fixed_cases(learner: Learner) -> None:
    for total, count, expected in [
        (10000, 3, [3334, 3333, 3333]),
        (10000, 7, [1429, 1429, 1429, 1429, 1428, 1428, 1428]),
        (2, 3, [1, 1, 0]),
        (100, 1, [100]),
        (0, 4, [0, 0, 0, 0]),
        (5, 5, [1, 1, 1, 1, 1]),
    ]:
        shares = check_split(learner, total, count)
        expect(
            shares == expected,
            f"split({total}, {count}) returned {show(shares)}; expected {expected!r}: the "
            "shares that get an extra unit come first.",
            hint="extra_units_first",
        )


@exercise("money.split", title="The shares add up to the total")
@property_test("quick", total=st.integers(-(10**6), 10**6), count=st.integers(1, 50))
@example(total=100, count=3)
@example(total=-100, count=3)
@example(total=1, count=50)
@example(total=-1, count=7)
@example(total=10**6, count=49)
def test_split_keeps_every_unit(learner: Learner, total: int, count: int) -> None:
    shown = f"split({total}, {count})"
    hint = "negative_totals" if total < 0 else "lost_cent"
    check_shares(shown, learner.call("split", total, count).value, total, count, hint=hint)


@exercise("money.split", title="Shares differ by at most one unit")
@property_test("quick", total=st.integers(0, 10**6), count=st.integers(1, 50))
@example(total=99, count=10)
@example(total=10**6 - 1, count=50)
@example(total=7, count=4)
def test_split_shares_differ_by_at_most_one(learner: Learner, total: int, count: int) -> None:
    check_split(learner, total, count)


@exercise("money.split", title="Splits refunds (negative totals) too")
@property_test("quick", total=st.integers(-(10**6), -1), count=st.integers(1, 50))
@example(total=-100, count=3)
@example(total=-1, count=2)
@example(total=-(10**6), count=7)
def test_split_handles_refunds(learner: Learner, total: int, count: int) -> None:
    check_split(learner, total, count, refund=True)


@exercise("money.split", title="Refuses to split among fewer than one")
def test_split_rejects_no_shares(learner: Learner) -> None:
    why = "There is no way to split among fewer than one person."
    check_table(
        learner,
        "split",
        [Row((100, count), Raises(ValueError), why=why) for count in [0, -2]],
        hint="invalid_count",
    )
