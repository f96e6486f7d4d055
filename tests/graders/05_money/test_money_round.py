"""v2 graders of money.round_money: round a Decimal to cents with a named rule.

Every expected value is computed here, with this process's own `decimal`; the learner's
function is only called, through the `learner` fixture, and its answers come back as
exact values (a Decimal by its digits, a subclass of Decimal as a handle).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from hypothesis import example
from hypothesis import strategies as st
from money_helpers import CENT

from zendo.judge import (
    Learner,
    Raises,
    Row,
    a_kind,
    check_table,
    exercise,
    expect,
    fail,
    property_test,
    show,
)

MODES = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN}
OTHER_MODE = {"half_up": ROUND_HALF_EVEN, "bankers": ROUND_HALF_UP}

# Just below a tie, but as a float it lands just above it (0.16500000000000000777...):
# any rounding of the float gives 0.17, every decimal half-rounding 0.16.
FLOAT_PROBE = Decimal("0.16499999999999999999")


def rounds_a_float(learner: Learner, mode: str) -> bool:
    """Whether round_money rounds a float inside: the one answer only a float gives."""
    observed = learner.call("round_money", FLOAT_PROBE, mode)
    got = observed.returned
    return observed.ok and type(got) is Decimal and got == Decimal("0.17")


def float_evidence(mode: str) -> str:
    return (
        f"round_money(Decimal('{FLOAT_PROBE}'), {mode!r}) returns 0.17, not 0.16, which "
        f"only happens after a detour through float: it stores that amount as "
        f"{Decimal(float(FLOAT_PROBE))}."
    )


def check_rounding(learner: Learner, amount: Decimal, mode: str) -> None:
    """round_money(amount, mode) must equal amount quantized to cents in that mode.

    The float hint is given only on evidence that the learner's code rounds a float
    (FLOAT_PROBE); a rounding mode that happens to give the float's answer gets the
    rounding-mode hints instead.
    """
    shown = f"round_money(Decimal({str(amount)!r}), {mode!r})"
    expected = amount.quantize(CENT, rounding=MODES[mode])
    got = learner.call("round_money", amount, mode).value
    expect(
        type(got) is Decimal,
        f"{shown} returned {show(got)}, {a_kind(got)}; expected the Decimal {expected!r}.",
        hint="binary_float",
    )
    assert isinstance(got, Decimal)
    if got == expected:
        if got.as_tuple().exponent == -2:
            return
        message = (
            f"{shown} returned {got!r}; expected {expected!r}: the same value, but an "
            "amount in cents has exactly two decimal places."
        )
        if rounds_a_float(learner, mode):
            fail(f"{message} Also, {float_evidence(mode)}", hint="binary_float")
        fail(message, hint="cents_exponent")
    via_float = Decimal(float(amount)).quantize(CENT, rounding=MODES[mode])
    if got == via_float and rounds_a_float(learner, mode):
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
def test_round_money_returns_decimal_cents(learner: Learner) -> None:
    for text, mode in [
        ("5", "half_up"),
        ("1.5", "bankers"),
        ("0.10", "half_up"),
        ("-3", "bankers"),
        ("12.3456", "half_up"),
    ]:
        check_rounding(learner, Decimal(text), mode)


@exercise("money.round_money", title="Rounds without a detour through float")
def test_round_money_avoids_binary_floats(learner: Learner) -> None:
    # In each case the digit before the 5 is odd, so both modes round up; only a detour
    # through float (where these amounts sit just below the tie) rounds them down.
    for text in ["2.675", "1.015", "1.335", "-2.675"]:
        for mode in ["half_up", "bankers"]:
            check_rounding(learner, Decimal(text), mode)


@exercise("money.round_money", title="half_up sends ties away from zero")
def test_round_money_half_up_sends_ties_away_from_zero(learner: Learner) -> None:
    for text in ["0.125", "2.665", "0.005", "-0.125", "-2.665", "1.994", "7.3"]:
        check_rounding(learner, Decimal(text), "half_up")


@exercise("money.round_money", title="bankers sends ties to the even cent")
def test_round_money_bankers_sends_ties_to_even(learner: Learner) -> None:
    for text in ["0.125", "2.665", "0.135", "2.675", "0.005", "-0.125", "1.994"]:
        check_rounding(learner, Decimal(text), "bankers")


# Edge cases first, in a fixed order: ties on both sides of zero, amounts that are
# already whole cents, the extremes of the range. Then the search.
@exercise("money.round_money", title="Rounds any amount in both modes")
@property_test(
    "quick",
    amount=st.decimals(
        min_value=Decimal("-1000"),
        max_value=Decimal("1000"),
        places=3,
        allow_nan=False,
        allow_infinity=False,
    ),
    mode=st.sampled_from(["half_up", "bankers"]),
)
@example(amount=Decimal("0.005"), mode="half_up")
@example(amount=Decimal("-0.015"), mode="bankers")
@example(amount=Decimal("999.995"), mode="half_up")
@example(amount=Decimal("-1000.000"), mode="bankers")
@example(amount=Decimal("0.000"), mode="half_up")
def test_round_money_rounds_any_amount(learner: Learner, amount: Decimal, mode: str) -> None:
    check_rounding(learner, amount, mode)


@exercise("money.round_money", title="Refuses a float amount")
def test_round_money_rejects_float(learner: Learner) -> None:
    why = "A float has lost the exact amount before round_money sees it."
    check_table(
        learner,
        "round_money",
        [Row((amount, "half_up"), Raises(TypeError), why=why) for amount in [2.675, 0.1]],
        hint="reject_float",
    )


@exercise("money.round_money", title="Refuses an unknown mode")
def test_round_money_rejects_unknown_mode(learner: Learner) -> None:
    why = "The only modes are 'half_up' and 'bankers'."
    check_table(
        learner,
        "round_money",
        [
            Row((Decimal("0.125"), mode), Raises(ValueError), why=why)
            for mode in ["HALF_UP", "up", ""]
        ],
        hint="unknown_mode",
    )
