"""Helpers the money lesson's v2 graders share: shares, exact parts, Money handles.

Everything here runs in the trusted judge process. The learner's code is reached only
through the `learner` fixture; what comes back is compared here, never in the sandbox.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from zendo.judge import Handle, Learner, expect, show

CENT = Decimal("0.01")
# ISO 4217 minor-unit places of the currencies the graders use: the graders' own copy,
# so that no expected value depends on the learner's MINOR_UNIT_EXPONENT.
PLACES = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "KWD": 3, "BHD": 3}


def is_whole(value: object) -> bool:
    """A real int (never a bool, never a learner's subclass of int, which is a handle)."""
    return type(value) is int


def exact_part(total: int, ratio: int, whole: int) -> str:
    """total * ratio / whole, written for a learner (exact when it is a whole number)."""
    part = Fraction(total * ratio, whole)
    text = f"{total} * {ratio} / {whole}"
    if part.denominator == 1:
        return f"{text} = {part.numerator}"
    approx = (Decimal(part.numerator) / Decimal(part.denominator)).quantize(Decimal("0.001"))
    return f"{text} ≈ {approx}"


def shares_call(name: str, total: int, argument: object) -> str:
    return f"{name}({total}, {argument!r})"


def check_shares(shown: str, shares: object, total: int, count: int, *, hint: str) -> list[int]:
    """Shares must be a list of count whole numbers that add up to total.

    `hint` is the failure hint for a wrong sum, the one check whose cause differs
    between ordinary totals and refunds.
    """
    expect(
        type(shares) is list,
        f"{shown} returned {show(shares)}; expected a list of {count} whole numbers.",
        hint="whole_units",
    )
    assert isinstance(shares, list)
    not_whole = [share for share in shares if not is_whole(share)]
    expect(
        not not_whole,
        f"{shown} returned {show(shares)}; {show(not_whole[:1])[1:-1]} is not a whole "
        "number of minor units.",
        hint="whole_units",
    )
    expect(
        len(shares) == count,
        f"{shown} returned {len(shares)} shares ({show(shares)}); expected {count}.",
        hint="share_count",
    )
    expect(
        sum(shares) == total,
        f"{shown} returned {show(shares)}, which adds up to {sum(shares)}, not {total}.",
        hint=hint,
    )
    return shares


def minor_units(amount: str, currency: str) -> int:
    """The minor units of `amount` in `currency`, computed here from the graders' table."""
    return int(Decimal(amount).scaleb(PLACES[currency]))


def money_class(learner: Learner) -> Handle:
    """The learner's Money class (a handle); a learner failure if the cell has none."""
    return learner.get("Money").handle


def money(learner: Learner, amount: str, currency: str) -> Handle:
    """Money.of(amount, currency), checked to be a Money."""
    made = money_class(learner).call("of", amount, currency)
    value = made.value
    expect(
        isinstance(value, Handle) and value.is_a("Money"),
        f"Money.of({amount!r}, {currency!r}) returned {show(value)}; expected a Money.",
        hint="minor_units",
    )
    assert isinstance(value, Handle)
    return value


def holds(learner: Learner, value: object, minor: int, currency: str) -> bool:
    """Whether `value` is a Money whose fields are exactly `minor` and `currency`.

    Read field by field and compared here: a Money whose `__eq__` says yes to everything
    cannot pass for another amount.
    """
    if not (isinstance(value, Handle) and value.is_a("Money")):
        return False
    got_minor, got_currency = value.get("minor"), value.get("currency")
    return (
        got_minor.ok
        and is_whole(got_minor.returned)
        and got_minor.returned == minor
        and got_currency.ok
        and type(got_currency.returned) is str
        and got_currency.returned == currency
    )


def says_equal(learner: Learner, left: object, right: object) -> bool:
    """Whether the learner's `left == right` returned exactly True."""
    observed = learner.op("eq", left, right)
    return observed.ok and observed.returned is True


def looks_equal(got: object, expected: object) -> bool:
    """Whether two values print alike (the learner's reprs): an `__eq__` problem if == differs."""
    return show(got) == show(expected)
