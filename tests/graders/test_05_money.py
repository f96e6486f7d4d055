"""Graders for the money exercises (solutions/05_money.ipynb).

Every test is tied to one exercise with ``@exercise`` and receives the learner's code as
``submission``: the notebook's ``# setup`` cell followed by that exercise's cell. Failure
messages are written for the learner: the call, what was expected, what came back. Each
failing check names a failure hint from ``course/05_money.toml``.

The behaviour tests of ``money.value_object`` come first; its two mypy tests come last and
share one mypy run per submission (mypy costs about two seconds cold).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
)
from fractions import Fraction
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from zendo.grading import (
    Finding,
    ToolRun,
    attempt,
    exercise,
    expect,
    fail,
    run_mypy,
    show,
    where_in_cell,
)

CENT = Decimal("0.01")
MODES = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN}
OTHER_MODE = {"half_up": ROUND_HALF_EVEN, "bankers": ROUND_HALF_UP}


# ---------------------------------------------------------------------------------------
# Helpers shared by the tests
# ---------------------------------------------------------------------------------------


def expect_raises(
    call: Callable[[], object],
    shown: str,
    expected: type[Exception],
    why: str,
    *,
    hint: str,
) -> Exception:
    """Fail unless call raises expected (or a subclass); return the exception."""
    outcome = attempt(call)
    expect(
        isinstance(outcome.error, expected),
        f"{shown} {outcome.describe()}; expected {expected.__name__}: {why}",
        hint=hint,
    )
    assert outcome.error is not None  # for the type checker: expect() has just passed
    return outcome.error


def is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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


# ---------------------------------------------------------------------------------------
# money.round_money
# ---------------------------------------------------------------------------------------


# Just below a tie, but as a float it lands just above it (0.16500000000000000777...):
# any rounding of the float gives 0.17, every decimal half-rounding 0.16.
FLOAT_PROBE = Decimal("0.16499999999999999999")


def rounds_a_float(submission: ModuleType, mode: str) -> bool:
    """Whether round_money rounds a float inside: the one answer only a float gives."""
    outcome = attempt(lambda: submission.round_money(FLOAT_PROBE, mode))
    return outcome.error is None and outcome.value == Decimal("0.17")


def float_evidence(mode: str) -> str:
    return (
        f"round_money(Decimal('{FLOAT_PROBE}'), {mode!r}) returns 0.17, not 0.16, which "
        f"only happens after a detour through float: it stores that amount as "
        f"{Decimal(float(FLOAT_PROBE))}."
    )


def check_rounding(submission: ModuleType, amount: Decimal, mode: str) -> None:
    """round_money(amount, mode) must equal amount quantized to cents in that mode.

    The float hint is given only on evidence that the learner's code rounds a float
    (FLOAT_PROBE); a rounding mode that happens to give the float's answer gets the
    rounding-mode hints instead.
    """
    shown = f"round_money(Decimal({str(amount)!r}), {mode!r})"
    expected = amount.quantize(CENT, rounding=MODES[mode])
    got = submission.round_money(amount, mode)
    expect(
        isinstance(got, Decimal),
        f"{shown} returned {show(got)}, a {type(got).__name__}; expected the Decimal {expected!r}.",
        hint="binary_float",
    )
    if got == expected:
        if got.as_tuple().exponent == -2:
            return
        message = (
            f"{shown} returned {got!r}; expected {expected!r}: the same value, but an "
            "amount in cents has exactly two decimal places."
        )
        if rounds_a_float(submission, mode):
            fail(f"{message} Also, {float_evidence(mode)}", hint="binary_float")
        fail(message, hint="cents_exponent")
    via_float = Decimal(float(amount)).quantize(CENT, rounding=MODES[mode])
    if got == via_float and rounds_a_float(submission, mode):
        fail(
            f"{shown} returned {got!r}; expected {expected!r}. {got} is the answer after a "
            f"detour through float, which stores {amount} as {Decimal(float(amount))}.",
            hint="binary_float",
        )
    if got == amount.quantize(CENT, rounding=OTHER_MODE[mode]):
        if mode == "half_up":
            fail(
                f"{shown} returned {got!r}; expected {expected!r}. {got} is what banker's "
                "rounding (HALF_EVEN) gives.",
                hint="default_half_even",
            )
        fail(
            f"{shown} returned {got!r}; expected {expected!r}. {got} is what HALF_UP gives.",
            hint="bankers_rounding",
        )
    fail(f"{shown} returned {show(got)}; expected {expected!r}.", hint="rounding_mode")


@exercise("money.round_money", title="Returns a Decimal with two places")
def test_round_money_returns_decimal_cents(submission: ModuleType) -> None:
    for text, mode in [
        ("5", "half_up"),
        ("1.5", "bankers"),
        ("0.10", "half_up"),
        ("-3", "bankers"),
        ("12.3456", "half_up"),
    ]:
        check_rounding(submission, Decimal(text), mode)


@exercise("money.round_money", title="Rounds without a detour through float")
def test_round_money_avoids_binary_floats(submission: ModuleType) -> None:
    # In each case the digit before the 5 is odd, so both modes round up; only a detour
    # through float (where these amounts sit just below the tie) rounds them down.
    for text in ["2.675", "1.015", "1.335", "-2.675"]:
        for mode in ["half_up", "bankers"]:
            check_rounding(submission, Decimal(text), mode)


@exercise("money.round_money", title="half_up sends ties away from zero")
def test_round_money_half_up_sends_ties_away_from_zero(submission: ModuleType) -> None:
    for text in ["0.125", "2.665", "0.005", "-0.125", "-2.665", "1.994", "7.3"]:
        check_rounding(submission, Decimal(text), "half_up")


@exercise("money.round_money", title="bankers sends ties to the even cent")
def test_round_money_bankers_sends_ties_to_even(submission: ModuleType) -> None:
    for text in ["0.125", "2.665", "0.135", "2.675", "0.005", "-0.125", "1.994"]:
        check_rounding(submission, Decimal(text), "bankers")


@exercise("money.round_money", title="Rounds any amount in both modes")
@given(
    amount=st.decimals(
        min_value=Decimal("-1000"),
        max_value=Decimal("1000"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    ),
    mode=st.sampled_from(["half_up", "bankers"]),
)
def test_round_money_rounds_any_amount(submission: ModuleType, amount: Decimal, mode: str) -> None:
    check_rounding(submission, amount, mode)


@exercise("money.round_money", title="Refuses a float amount")
def test_round_money_rejects_float(submission: ModuleType) -> None:
    for amount in [2.675, 0.1]:
        expect_raises(
            partial(submission.round_money, amount, "half_up"),
            f"round_money({amount!r}, 'half_up')",
            TypeError,
            "a float has lost the exact amount before round_money sees it.",
            hint="reject_float",
        )


@exercise("money.round_money", title="Refuses an unknown mode")
def test_round_money_rejects_unknown_mode(submission: ModuleType) -> None:
    for mode in ["HALF_UP", "up", ""]:
        expect_raises(
            partial(submission.round_money, Decimal("0.125"), mode),
            f"round_money(Decimal('0.125'), {mode!r})",
            ValueError,
            "the only modes are 'half_up' and 'bankers'.",
            hint="unknown_mode",
        )


# ---------------------------------------------------------------------------------------
# money.split
# ---------------------------------------------------------------------------------------


def check_shares(shown: str, shares: object, total: int, count: int, *, hint: str) -> list[int]:
    """Shares must be a list of count whole numbers that add up to total.

    `hint` is the failure hint for a wrong sum, the one check whose cause differs
    between ordinary totals and refunds.
    """
    expect(
        isinstance(shares, list),
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


def check_split(
    submission: ModuleType, total: int, count: int, *, refund: bool = False
) -> list[int]:
    """split(total, count) keeps every unit in count shares at most one unit apart."""
    shown = f"split({total}, {count})"
    got = submission.split(total, count)
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
def test_split_fixed_cases(submission: ModuleType) -> None:
    for total, count, expected in [
        (10000, 3, [3334, 3333, 3333]),
        (10000, 7, [1429, 1429, 1429, 1429, 1428, 1428, 1428]),
        (2, 3, [1, 1, 0]),
        (100, 1, [100]),
        (0, 4, [0, 0, 0, 0]),
        (5, 5, [1, 1, 1, 1, 1]),
    ]:
        shares = check_split(submission, total, count)
        expect(
            shares == expected,
            f"split({total}, {count}) returned {show(shares)}; expected {expected!r}: the "
            "shares that get an extra unit come first.",
            hint="extra_units_first",
        )


@exercise("money.split", title="The shares add up to the total")
@given(total=st.integers(-(10**6), 10**6), count=st.integers(1, 50))
def test_split_keeps_every_unit(submission: ModuleType, total: int, count: int) -> None:
    shown = f"split({total}, {count})"
    hint = "negative_totals" if total < 0 else "lost_cent"
    check_shares(shown, submission.split(total, count), total, count, hint=hint)


@exercise("money.split", title="Shares differ by at most one unit")
@given(total=st.integers(0, 10**6), count=st.integers(1, 50))
def test_split_shares_differ_by_at_most_one(submission: ModuleType, total: int, count: int) -> None:
    check_split(submission, total, count)


@exercise("money.split", title="Splits refunds (negative totals) too")
@given(total=st.integers(-(10**6), -1), count=st.integers(1, 50))
def test_split_handles_refunds(submission: ModuleType, total: int, count: int) -> None:
    check_split(submission, total, count, refund=True)


@exercise("money.split", title="Refuses to split among fewer than one")
def test_split_rejects_no_shares(submission: ModuleType) -> None:
    for count in [0, -2]:
        expect_raises(
            partial(submission.split, 100, count),
            f"split(100, {count})",
            ValueError,
            "there is no way to split among fewer than one person.",
            hint="invalid_count",
        )


# ---------------------------------------------------------------------------------------
# money.allocate
# ---------------------------------------------------------------------------------------


def check_allocation(
    submission: ModuleType,
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
    got = submission.allocate(total, list(ratios))
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
def test_allocate_fowler_cases(submission: ModuleType) -> None:
    for total, ratios, expected in [
        (5, [70, 30], [4, 1]),
        (5, [3, 7], [2, 3]),
        (10000, [50, 30, 20], [5000, 3000, 2000]),
        (10000, [1, 1, 1], [3334, 3333, 3333]),
        (0, [1, 2], [0, 0]),
    ]:
        shares = check_allocation(submission, total, ratios)
        expect(
            shares == expected,
            f"{shares_call('allocate', total, ratios)} returned {show(shares)}; expected "
            f"{expected!r}: leftover units go, one each, to the earliest shares that were "
            "rounded down.",
            hint="extra_units_first",
        )


@exercise("money.allocate", title="A share whose exact part is whole stays whole")
def test_allocate_gives_a_zero_ratio_nothing(submission: ModuleType) -> None:
    # Each case has a share whose exact part is already whole; it must stay untouched.
    for total, ratios in [
        (1, [0, 1, 1]),
        (3, [0, 1, 1]),
        (-3, [0, 1, 1]),
        (6, [2, 1, 1]),
        (7, [1, 0, 1]),
    ]:
        shares = check_allocation(submission, total, ratios)
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
@given(total=st.integers(-(10**6), 10**6), ratios=ratio_lists)
def test_allocate_keeps_every_unit(submission: ModuleType, total: int, ratios: list[int]) -> None:
    shown = shares_call("allocate", total, ratios)
    got = submission.allocate(total, list(ratios))
    hint = "negative_totals" if total < 0 else "lost_cent"
    check_shares(shown, got, total, len(ratios), hint=hint)


@exercise("money.allocate", title="Each share is within a unit of its exact part")
@given(total=st.integers(0, 10**6), ratios=ratio_lists)
def test_allocate_follows_the_ratios(submission: ModuleType, total: int, ratios: list[int]) -> None:
    check_allocation(submission, total, ratios)


@exercise("money.allocate", title="Allocates refunds (negative totals) too")
@given(total=st.integers(-(10**6), -1), ratios=ratio_lists)
def test_allocate_handles_refunds(submission: ModuleType, total: int, ratios: list[int]) -> None:
    check_allocation(submission, total, ratios, refund=True)


@exercise("money.allocate", title="Refuses empty, negative or all-zero ratios")
def test_allocate_rejects_bad_ratios(submission: ModuleType) -> None:
    for ratios, why in [
        ([0, 0], "ratios that are all zero describe no split."),
        ([], "no ratios means nobody to allocate to."),
        ([3, -1], "a negative ratio makes no sense."),
    ]:
        expect_raises(
            partial(submission.allocate, 100, list(ratios)),
            f"allocate(100, {ratios!r})",
            ValueError,
            why,
            hint="invalid_ratios",
        )


# ---------------------------------------------------------------------------------------
# money.value_object: behaviour
# ---------------------------------------------------------------------------------------


def money(submission: ModuleType, amount: str, currency: str) -> Any:
    """Money.of(amount, currency), checked to be a Money."""
    made = submission.Money.of(amount, currency)
    expect(
        isinstance(made, submission.Money),
        f"Money.of({amount!r}, {currency!r}) returned {show(made)}; expected a Money.",
        hint="minor_units",
    )
    return made


def check_amount(
    submission: ModuleType,
    amount: object,
    currency: str,
    minor_units: int,
    text: str,
    *,
    hint: str,
) -> None:
    """Money.of(amount, currency) holds minor_units and to_decimal() shows text."""
    shown = f"Money.of({amount!r}, {currency!r})"
    made = submission.Money.of(amount, currency)
    expect(
        isinstance(made, submission.Money),
        f"{shown} returned {show(made)}; expected a Money.",
        hint=hint,
    )
    got_units = getattr(made, "minor", None)
    expect(
        got_units == minor_units and getattr(made, "currency", None) == currency,
        f"{shown} returned {show(made)}; expected minor={minor_units} and currency={currency!r}.",
        hint=hint,
    )
    as_decimal = made.to_decimal()
    expected = Decimal(text)
    expect(
        isinstance(as_decimal, Decimal) and as_decimal == expected,
        f"{shown}.to_decimal() returned {show(as_decimal)}; expected {expected!r}.",
        hint=hint,
    )
    if str(as_decimal) != text:
        message = (
            f"{shown}.to_decimal() returned {as_decimal!r}; expected {expected!r}, with the "
            f"{currency} number of decimal places."
        )
        if hint == "currency_exponent":
            fail(message, hint="currency_exponent")
        fail(message, hint="cents_exponent")


@exercise("money.value_object", title="Money.of reads amounts into minor units")
def test_money_of_reads_amounts(submission: ModuleType) -> None:
    for amount, currency, minor_units, text in [
        ("12.34", "EUR", 1234, "12.34"),
        (Decimal("-0.5"), "EUR", -50, "-0.50"),
        (7, "EUR", 700, "7.00"),
        ("1.0", "EUR", 100, "1.00"),
        ("0.05", "USD", 5, "0.05"),
    ]:
        check_amount(submission, amount, currency, minor_units, text, hint="minor_units")


@exercise("money.value_object", title="Uses each currency's own minor unit")
def test_money_uses_each_currency_minor_units(submission: ModuleType) -> None:
    for amount, currency, minor_units, text in [
        ("500", "JPY", 500, "500"),
        ("1.234", "KWD", 1234, "1.234"),
        ("12.3", "KWD", 12300, "12.300"),
        ("0.005", "BHD", 5, "0.005"),
    ]:
        check_amount(submission, amount, currency, minor_units, text, hint="currency_exponent")
    for minor_units, currency, text in [(1234, "KWD", "1.234"), (500, "JPY", "500")]:
        shown = f"Money({minor_units}, {currency!r}).to_decimal()"
        got = submission.Money(minor_units, currency).to_decimal()
        expect(
            isinstance(got, Decimal) and str(got) == text,
            f"{shown} returned {show(got)}; expected Decimal({text!r}).",
            hint="currency_exponent",
        )


@exercise("money.value_object", title="Refuses amounts finer than the minor unit")
def test_money_refuses_to_round_silently(submission: ModuleType) -> None:
    for amount, currency in [("12.345", "EUR"), ("1.5", "JPY"), ("0.0001", "KWD")]:
        expect_raises(
            partial(submission.Money.of, amount, currency),
            f"Money.of({amount!r}, {currency!r})",
            ValueError,
            f"{amount} is finer than the smallest {currency} unit, and rounding it is the "
            "caller's decision.",
            hint="no_silent_rounding",
        )


@exercise("money.value_object", title="Refuses floats")
def test_money_rejects_floats(submission: ModuleType) -> None:
    expect_raises(
        lambda: submission.Money.of(0.1, "EUR"),
        "Money.of(0.1, 'EUR')",
        TypeError,
        "a float has already lost the exact amount; pass a str or a Decimal.",
        hint="reject_float",
    )
    expect_raises(
        lambda: submission.Money(1.5, "EUR"),
        "Money(1.5, 'EUR')",
        TypeError,
        "minor is a whole number of minor units.",
        hint="reject_float",
    )
    price = money(submission, "12.34", "EUR")
    expect_raises(
        lambda: price * 1.5,
        "Money.of('12.34', 'EUR') * 1.5",
        TypeError,
        "Money multiplies by whole numbers only.",
        hint="reject_float",
    )


@exercise("money.value_object", title="Refuses unknown currency codes")
def test_money_checks_its_currency(submission: ModuleType) -> None:
    expect_raises(
        lambda: submission.Money.of("1.00", "XYZ"),
        "Money.of('1.00', 'XYZ')",
        ValueError,
        "XYZ is not an ISO 4217 code in MINOR_UNIT_EXPONENT.",
        hint="unknown_currency",
    )
    expect_raises(
        lambda: submission.Money(100, "eur"),
        "Money(100, 'eur')",
        ValueError,
        "currency codes are upper case, as in MINOR_UNIT_EXPONENT.",
        hint="unknown_currency",
    )


@exercise("money.value_object", title="Money cannot be changed and works as a dict key")
def test_money_is_immutable(submission: ModuleType) -> None:
    price = money(submission, "12.34", "EUR")

    def change_price() -> None:
        price.minor = 0

    outcome = attempt(change_price)
    expect(
        isinstance(outcome.error, AttributeError | TypeError | ValueError),
        "price = Money.of('12.34', 'EUR'); price.minor = 0 was accepted; expected "
        "an error, because a value object never changes once it is made.",
        hint="frozen_value_object",
    )
    expect(
        price.minor == 1234,
        f"after a refused assignment, price is {show(price)}; expected it unchanged.",
        hint="frozen_value_object",
    )
    same_price = money(submission, "12.340", "EUR")
    lookup = attempt(lambda: {price: "coffee"}.get(same_price))
    message = (
        "{Money.of('12.34', 'EUR'): 'coffee'}.get(Money.of('12.340', 'EUR')) "
        f"{lookup.describe()}; expected 'coffee': equal values must hash alike so they "
        "can be dict keys."
    )
    if not (lookup.error is None and lookup.value == "coffee"):
        if attempt(lambda: price == same_price).value is not True:
            fail(f"{message} But the two do not even compare equal.", hint="value_equality")
        fail(message, hint="frozen_value_object")


@exercise("money.value_object", title="Equal amounts compare equal")
def test_money_equality_is_by_value(submission: ModuleType) -> None:
    for left, right, equal in [
        (("1.0", "EUR"), ("1.00", "EUR"), True),
        (("12.34", "EUR"), ("12.34", "EUR"), True),
        (("1", "EUR"), ("1", "USD"), False),
        (("1.00", "EUR"), ("1.01", "EUR"), False),
    ]:
        got = money(submission, *left) == money(submission, *right)
        expect(
            got == equal,
            f"Money.of{left!r} == Money.of{right!r} returned {show(got)}; expected {equal}.",
            hint="value_equality",
        )


def looks_equal(got: object, expected: object) -> bool:
    """Whether two values print alike though == says they differ (an __eq__ problem)."""
    return got != expected and show(got) == show(expected)


def check_result(shown: str, got: object, expected: object) -> None:
    message = f"{shown} returned {show(got)}; expected {show(expected)}."
    if looks_equal(got, expected):
        fail(
            f"{message} They print alike, but == says they differ: Money must compare "
            "by its values.",
            hint="value_equality",
        )
    expect(got == expected, message, hint="money_arithmetic")


@exercise("money.value_object", title="Adds and subtracts in one currency")
def test_money_adds_and_subtracts(submission: ModuleType) -> None:
    for left, symbol, right, currency, expected in [
        ("12.34", "+", "0.66", "EUR", "13.00"),
        ("1", "-", "2.50", "EUR", "-1.50"),
        ("500", "+", "1", "JPY", "501"),
        ("0.010", "-", "0.001", "KWD", "0.009"),
    ]:
        first, second = money(submission, left, currency), money(submission, right, currency)
        got = first + second if symbol == "+" else first - second
        check_result(
            f"Money.of({left!r}, {currency!r}) {symbol} Money.of({right!r}, {currency!r})",
            got,
            money(submission, expected, currency),
        )


@exercise("money.value_object", title="Multiplies by whole numbers")
def test_money_multiplies_by_whole_numbers(submission: ModuleType) -> None:
    price = money(submission, "12.34", "EUR")
    cases: list[tuple[str, Callable[[], object], str]] = [
        ("Money.of('12.34', 'EUR') * 3", lambda: price * 3, "37.02"),
        ("3 * Money.of('12.34', 'EUR')", lambda: 3 * price, "37.02"),
        ("Money.of('12.34', 'EUR') * 0", lambda: price * 0, "0"),
        ("Money.of('12.34', 'EUR') * -1", lambda: price * -1, "-12.34"),
    ]
    for shown, call, expected in cases:
        check_result(shown, call(), money(submission, expected, "EUR"))


@exercise("money.value_object", title="Mixing currencies raises CurrencyMismatchError")
def test_money_mismatch_raises_dedicated_error(submission: ModuleType) -> None:
    error_class = getattr(submission, "CurrencyMismatchError", None)
    expect(
        isinstance(error_class, type) and issubclass(error_class, ValueError),
        "Your cell has no CurrencyMismatchError class that subclasses ValueError; define "
        "one so callers can catch exactly this mistake.",
        hint="mismatch_error",
    )
    assert isinstance(error_class, type)
    euros = money(submission, "1.00", "EUR")
    dollars = money(submission, "1.00", "USD")
    for symbol, call in [("+", lambda: euros + dollars), ("-", lambda: euros - dollars)]:
        shown = f"Money.of('1.00', 'EUR') {symbol} Money.of('1.00', 'USD')"
        error = expect_raises(
            call,
            shown,
            error_class,
            "adding or subtracting two currencies is a mistake of its own.",
            hint="mismatch_error",
        )
        left, right = getattr(error, "left", None), getattr(error, "right", None)
        expect(
            (left, right) == ("EUR", "USD"),
            f"{shown} raised CurrencyMismatchError with .left={show(left)} and "
            f".right={show(right)}; expected .left='EUR' and .right='USD'.",
            hint="mismatch_error",
        )


@exercise("money.value_object", title="Returns NotImplemented for other types")
def test_money_returns_notimplemented_for_foreign_types(submission: ModuleType) -> None:
    price = money(submission, "12.34", "EUR")
    for shown, call in [
        ("Money.of('12.34', 'EUR') + 1", lambda: price + 1),
        ("Money.of('12.34', 'EUR') + Decimal('1.00')", lambda: price + Decimal("1.00")),
        ("Money.of('12.34', 'EUR') - 1", lambda: price - 1),
        ("1 + Money.of('12.34', 'EUR')", lambda: 1 + price),
    ]:
        expect_raises(
            call,
            shown,
            TypeError,
            "Python raises it for you when both sides return NotImplemented.",
            hint="return_notimplemented",
        )
    for method in ["__add__", "__sub__"]:
        outcome = attempt(partial(getattr(price, method), 1))
        expect(
            outcome.error is None and outcome.value is NotImplemented,
            f"Money.of('12.34', 'EUR').{method}(1) {outcome.describe()}; expected it to "
            "return NotImplemented, so that Python can ask the other operand before it "
            "raises TypeError.",
            hint="return_notimplemented",
        )


@exercise("money.value_object", title="Allocates by ratios without losing a unit")
def test_money_allocates(submission: ModuleType) -> None:
    # A refund may be allocated as the mirror image of the charge, so either answer is fine.
    for amount, currency, ratios, answers in [
        ("0.05", "EUR", [70, 30], [["0.04", "0.01"]]),
        ("100", "EUR", [1, 1, 1], [["33.34", "33.33", "33.33"]]),
        ("100", "JPY", [1, 1, 1], [["34", "33", "33"]]),
        ("-0.05", "EUR", [70, 30], [["-0.03", "-0.02"], ["-0.04", "-0.01"]]),
    ]:
        shown = f"Money.of({amount!r}, {currency!r}).allocate({ratios!r})"
        got = money(submission, amount, currency).allocate(list(ratios))
        wanted = [[money(submission, share, currency) for share in answer] for answer in answers]
        if got in wanted:
            continue
        units: list[Any] = (
            [getattr(share, "minor", None) for share in got] if isinstance(got, list) else []
        )
        kept = (
            len(units) == len(ratios)
            and all(is_whole(unit) for unit in units)
            and sum(units) == sum(share.minor for share in wanted[0])
        )
        message = f"{shown} returned {show(got)}; expected {show(wanted[0])}."
        if looks_equal(got, wanted[0]):
            fail(
                f"{message} They print alike, but == says they differ: Money must compare "
                "by its values.",
                hint="value_equality",
            )
        if kept:
            fail(message, hint="follow_the_ratios")
        fail(message, hint="lost_cent")


# ---------------------------------------------------------------------------------------
# money.value_object: types, checked with mypy
# ---------------------------------------------------------------------------------------

LEARNER_MODULE = "learner_money"

# Code written by another developer against the Money the exercise describes. The first
# part must type-check; each line of the second part must be an error, and its ignore
# comment names the error. Under --warn-unused-ignores, an expected error that does not
# happen shows up as [unused-ignore] on that line.
CLIENT_ACCEPTED = f"""\
from decimal import Decimal

from {LEARNER_MODULE} import CurrencyMismatchError, Money

price = Money.of("12.34", "EUR")
fee = Money.of(Decimal("0.66"), "EUR")
yen = Money(500, "JPY")
total: Money = price + fee
change: Money = price - fee
tripled: Money = price * 3
also_tripled: Money = 3 * price
shares: list[Money] = price.allocate([1, 2])
amount: Decimal = price.to_decimal()
minor: int = price.minor
currency: str = price.currency
mismatch = CurrencyMismatchError("EUR", "USD")
left: str = mismatch.left
right: str = mismatch.right
as_value_error: ValueError = mismatch
"""

# (the line, what it tests, why it must be an error)
CLIENT_REJECTED = [
    (
        'price + Decimal("1.00")  # type: ignore[operator]',
        "operand",
        "Money + Decimal must be a type error, but mypy accepted it",
    ),
    (
        "price + 1  # type: ignore[operator]",
        "operand",
        "Money + int must be a type error, but mypy accepted it",
    ),
    (
        "price * 1.5  # type: ignore[operator]",
        "float",
        "multiplying Money by a float must be a type error, but mypy accepted it",
    ),
    (
        'Money.of(0.1, "EUR")  # type: ignore[arg-type]',
        "float",
        "passing a float to Money.of must be a type error, but mypy accepted it",
    ),
    (
        "price.minor = 5  # type: ignore[misc]",
        "frozen",
        "assigning to a field of a value object must be a type error, but mypy accepted it",
    ),
]

# What to look at when mypy accepts a line it must reject, by concern: an assignment to
# a field calls no method, so its advice is about the class.
CLIENT_ADVICE = {
    "operand": "Check how the operator methods annotate their operand.",
    "float": "Check the annotations of the method it calls.",
    "frozen": "A type checker refuses the assignment only when the class says it is frozen.",
}

CLIENT_SOURCE = (
    CLIENT_ACCEPTED
    + "\n# Mistakes the type checker must catch before the code runs.\n"
    + "".join(line + "\n" for line, _, _ in CLIENT_REJECTED)
)
CLIENT_LINES = CLIENT_SOURCE.splitlines()

mypy_runs: dict[Path, ToolRun] = {}


def mypy_money(submission_path: Path) -> ToolRun:
    """One mypy run over the learner's file and the client, cached per submission.

    The learner's file is a copy of the submission, line for line, so its findings'
    lines are submission lines (see `where`).
    """
    key = submission_path.resolve()
    if key not in mypy_runs:
        workdir = submission_path.parent / "mypy_money"
        workdir.mkdir(exist_ok=True)
        learner = workdir / f"{LEARNER_MODULE}.py"
        client = workdir / "client_money.py"
        learner.write_text(submission_path.read_text(encoding="utf-8"), encoding="utf-8")
        client.write_text(CLIENT_SOURCE, encoding="utf-8")
        mypy_runs[key] = run_mypy([learner, client], cwd=workdir)
    run = mypy_runs[key]
    # A tool that failed without a finding (a crash, a timeout) must never read as a pass.
    expect(
        run.exit_code == 0 or run.findings,
        f"mypy could not check your cell (it stopped with exit code {run.exit_code} and "
        "no error message); run `python -m mypy --strict` on your code to see why.",
        hint="mypy_strict",
    )
    return run


def where(finding: Finding, submission_path: Path) -> str:
    # mypy checked a copy of the submission file, line for line.
    return where_in_cell(submission_path, "money.value_object", finding.line)


def in_file(findings: Sequence[Finding], name: str) -> list[Finding]:
    return sorted((f for f in findings if Path(f.path).name == name), key=lambda f: f.line)


@exercise("money.value_object", title="`mypy --strict` accepts your cell")
def test_money_passes_mypy_strict(submission: ModuleType, submission_path: Path) -> None:
    money(submission, "12.34", "EUR")  # an untouched starter is not done, however well typed
    run = mypy_money(submission_path)
    findings = in_file(run.findings, f"{LEARNER_MODULE}.py")
    if not findings:
        return
    about_self = [f for f in findings if '"Self"' in f.message]
    first = (about_self or findings)[0]
    more = len(findings) - 1
    message = (
        f"mypy --strict rejects your cell: {where(first, submission_path)}: {first.message} "
        f"[{first.code}]" + (f" (and {more} more)" if more else "") + "."
    )
    if about_self:
        fail(message, hint="self_misuse")
    fail(message, hint="mypy_strict")


@exercise("money.value_object", title="Code that uses your Money type-checks as it should")
def test_money_client_type_checks(submission: ModuleType, submission_path: Path) -> None:
    money(submission, "12.34", "EUR")  # an untouched starter is not done, however well typed
    run = mypy_money(submission_path)
    findings = in_file(run.findings, "client_money.py")
    rejected = {
        CLIENT_LINES.index(line) + 1: (line.split("  #")[0], concern, why)
        for line, concern, why in CLIENT_REJECTED
    }
    for finding in findings:
        source = CLIENT_LINES[finding.line - 1].split("  #")[0] if finding.line else ""
        if finding.line in rejected and finding.code == "unused-ignore":
            code, concern, why = rejected[finding.line]
            message = f"In code that uses your Money, `{code}`: {why}. {CLIENT_ADVICE[concern]}"
            if concern == "operand":
                fail(message, hint="annotate_other_money")
            if concern == "float":
                fail(message, hint="reject_float")
            fail(message, hint="frozen_value_object")
        if finding.code == "attr-defined" and "CurrencyMismatchError" in finding.message:
            fail(
                f"In code that uses your Money as the exercise describes, mypy rejects "
                f"`{source}`: {finding.message} [{finding.code}].",
                hint="mismatch_error",
            )
        fail(
            f"In code that uses your Money as the exercise describes, mypy rejects "
            f"`{source}`: {finding.message} [{finding.code}].",
            hint="mypy_strict",
        )


# ---------------------------------------------------------------------------------------
# money.convert
# ---------------------------------------------------------------------------------------

PLACES = {"EUR": 2, "USD": 2, "GBP": 2, "JPY": 0, "KWD": 3}


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-PLACES[currency])


@exercise("money.convert", title="Converts known amounts")
def test_convert_fixed_cases(submission: ModuleType) -> None:
    for amount, rate, currency, text in [
        ("10.00", "1.0837", "USD", "10.84"),
        ("12.34", "161.53", "JPY", "1993"),
        ("100.00", "0.33123", "KWD", "33.123"),
        ("250.00", "0.85631", "GBP", "214.08"),
    ]:
        shown = f"convert(Decimal({amount!r}), Decimal({rate!r}), {currency!r})"
        expected = Decimal(text)
        got = submission.convert(Decimal(amount), Decimal(rate), currency)
        expect(
            isinstance(got, Decimal),
            f"{shown} returned {show(got)}, a {type(got).__name__}; expected the Decimal "
            f"{expected!r}.",
            hint="binary_float",
        )
        if got == expected and str(got) == text:
            continue
        message = f"{shown} returned {got!r}; expected {expected!r}."
        if got == (Decimal(amount) / Decimal(rate)).quantize(quantum(currency)):
            fail(message, hint="rate_direction")
        if got.as_tuple().exponent != -PLACES[currency]:
            fail(message, hint="currency_exponent")
        fail(message, hint="round_only_the_result")


@exercise("money.convert", title="Rounds to the target currency's minor unit")
def test_convert_uses_target_minor_units(submission: ModuleType) -> None:
    for amount, rate, currency, text in [
        ("1.00", "150.00", "JPY", "150"),
        ("10.00", "0.30", "KWD", "3.000"),
        ("1000", "0.92", "EUR", "920.00"),
        ("7.77", "1", "USD", "7.77"),
    ]:
        shown = f"convert(Decimal({amount!r}), Decimal({rate!r}), {currency!r})"
        got = submission.convert(Decimal(amount), Decimal(rate), currency)
        expect(
            isinstance(got, Decimal) and str(got) == text,
            f"{shown} returned {show(got)}; expected Decimal({text!r}): {currency} has "
            f"{PLACES[currency]} decimal places.",
            hint="currency_exponent",
        )


@exercise("money.convert", title="Computes the product exactly, then rounds once")
def test_convert_rounds_only_once(submission: ModuleType) -> None:
    # 2.00 * 0.502499…95 is 1.00499…9 exactly (32 digits). Decimal's default context keeps
    # 28 digits, so a plain `amount * rate` first rounds it to 1.005, and HALF_UP then
    # makes 1.01: two roundings where the statement asks for one.
    amount, rate = Decimal("2.00"), Decimal("0.50249999999999999999999999999995")
    shown = f"convert(Decimal('2.00'), Decimal('{rate}'), 'USD', ROUND_HALF_UP)"
    got = submission.convert(amount, rate, "USD", ROUND_HALF_UP)
    expect(
        isinstance(got, Decimal) and str(got) == "1.00",
        f"{shown} returned {show(got)}; expected Decimal('1.00'). The exact product is "
        "1.0049999999999999999999999999999, which rounds to 1.00; a product first rounded "
        "to Decimal's default 28 digits becomes 1.005, and then 1.01.",
        hint="round_only_the_result",
    )


@exercise("money.convert", title="Uses the caller's rounding mode")
def test_convert_honours_rounding_mode(submission: ModuleType) -> None:
    cases: list[tuple[str, str, str, str | None, str]] = [
        ("1.00", "0.125", "USD", ROUND_HALF_UP, "0.13"),
        ("1.00", "0.125", "USD", ROUND_HALF_EVEN, "0.12"),
        ("1.00", "0.125", "USD", None, "0.12"),
        ("1.00", "0.125", "USD", ROUND_CEILING, "0.13"),
        ("2.50", "1", "JPY", ROUND_HALF_UP, "3"),
        ("2.50", "1", "JPY", None, "2"),
        ("-1.00", "0.125", "USD", ROUND_FLOOR, "-0.13"),
        ("9.99", "1", "JPY", ROUND_DOWN, "9"),
    ]
    for amount, rate, currency, rounding, text in cases:
        args = [Decimal(amount), Decimal(rate), currency]
        shown = f"convert(Decimal({amount!r}), Decimal({rate!r}), {currency!r}"
        if rounding is None:
            got = submission.convert(*args)
            shown += ")"
        else:
            got = submission.convert(*args, rounding)
            shown += f", {rounding})"
        expect(
            isinstance(got, Decimal) and got == Decimal(text),
            f"{shown} returned {show(got)}; expected Decimal({text!r}).",
            hint="honour_rounding",
        )


@exercise("money.convert", title="Refuses float amounts and rates")
def test_convert_rejects_floats(submission: ModuleType) -> None:
    for shown, call in [
        ("convert(10.0, Decimal('1.1'), 'USD')", lambda: submission.convert(10.0, Decimal("1.1"), "USD")),
        ("convert(Decimal('10.00'), 1.1, 'USD')", lambda: submission.convert(Decimal("10.00"), 1.1, "USD")),
    ]:  # fmt: skip
        expect_raises(
            call,
            shown,
            TypeError,
            "a float amount or rate has already lost exact digits.",
            hint="reject_float",
        )


@exercise("money.convert", title="Refuses unknown currency codes, naming them")
def test_convert_rejects_unknown_currency(submission: ModuleType) -> None:
    for code in ["XYZ", "usd"]:
        shown = f"convert(Decimal('1.00'), Decimal('1'), {code!r})"
        error = expect_raises(
            partial(submission.convert, Decimal("1.00"), Decimal("1"), code),
            shown,
            ValueError,
            f"{code} is not a code in MINOR_UNIT_EXPONENT.",
            hint="unknown_currency",
        )
        expect(
            code in str(error),
            f"{shown} raised ValueError: {error}; the message should name {code!r} so the "
            "caller can see which code is unknown.",
            hint="unknown_currency",
        )


targets = st.one_of(
    st.tuples(st.just("USD"), st.decimals(Decimal("1"), Decimal("2"), places=4)),
    st.tuples(st.just("JPY"), st.decimals(Decimal("100"), Decimal("200"), places=2)),
    st.tuples(st.just("KWD"), st.decimals(Decimal("0.25"), Decimal("0.4"), places=5)),
)


@exercise("money.convert", title="A round trip to a finer currency lands within one cent")
@given(
    amount=st.decimals(Decimal("0"), Decimal("1000000"), places=2),
    target=targets,
)
def test_convert_round_trip_stays_within_one_unit(
    submission: ModuleType, amount: Decimal, target: tuple[str, Decimal]
) -> None:
    currency, rate = target
    there = submission.convert(amount, rate, currency)
    shown = f"convert(Decimal({str(amount)!r}), Decimal({str(rate)!r}), {currency!r})"
    expect(
        isinstance(there, Decimal),
        f"{shown} returned {show(there)}, a {type(there).__name__}; expected a Decimal.",
        hint="binary_float",
    )
    back_rate = Decimal(1) / rate
    back = submission.convert(there, back_rate, "EUR")
    expect(
        isinstance(back, Decimal) and abs(back - amount) <= CENT,
        f"{shown} returned {there!r}, and converting that back at 1 / {rate} returned "
        f"{show(back)}; the round trip should land within one cent of {amount}.",
        hint="round_only_the_result",
    )
