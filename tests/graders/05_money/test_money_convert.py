"""v2 graders of money.convert: convert at a rate, rounding once to the target's minor unit.

Expected amounts are computed or written here; the learner's `convert` is only called,
through the `learner` fixture, and its Decimals come back by their digits. Rounding
modes travel as the strings `decimal` uses for them (ROUND_HALF_UP is 'ROUND_HALF_UP').
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from hypothesis import example
from hypothesis import strategies as st
from money_helpers import CENT, PLACES

from zendo.judge import (
    Learner,
    Raises,
    Row,
    a_kind,
    check_table,
    exercise,
    expect,
    expect_outcome,
    fail,
    property_test,
    show,
)


def quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-PLACES[currency])


@exercise("money.convert", title="Converts known amounts")
def test_convert_fixed_cases(learner: Learner) -> None:
    for amount, rate, currency, text in [
        ("10.00", "1.0837", "USD", "10.84"),
        ("12.34", "161.53", "JPY", "1993"),
        ("100.00", "0.33123", "KWD", "33.123"),
        ("250.00", "0.85631", "GBP", "214.08"),
    ]:
        shown = f"convert(Decimal({amount!r}), Decimal({rate!r}), {currency!r})"
        expected = Decimal(text)
        got = learner.call("convert", Decimal(amount), Decimal(rate), currency).value
        expect(
            type(got) is Decimal,
            f"{shown} returned {show(got)}, {a_kind(got)}; expected the Decimal {expected!r}.",
            hint="binary_float",
        )
        assert isinstance(got, Decimal)
        if got == expected and str(got) == text:
            continue
        message = f"{shown} returned {got!r}; expected {expected!r}."
        if got == (Decimal(amount) / Decimal(rate)).quantize(quantum(currency)):
            fail(message, hint="rate_direction")
        if got.as_tuple().exponent != -PLACES[currency]:
            fail(message, hint="currency_exponent")
        fail(message, hint="round_only_the_result")


@exercise("money.convert", title="Rounds to the target currency's minor unit")
def test_convert_uses_target_minor_units(learner: Learner) -> None:
    for amount, rate, currency, text in [
        ("1.00", "150.00", "JPY", "150"),
        ("10.00", "0.30", "KWD", "3.000"),
        ("1000", "0.92", "EUR", "920.00"),
        ("7.77", "1", "USD", "7.77"),
    ]:
        shown = f"convert(Decimal({amount!r}), Decimal({rate!r}), {currency!r})"
        got = learner.call("convert", Decimal(amount), Decimal(rate), currency).value
        expect(
            type(got) is Decimal and str(got) == text,
            f"{shown} returned {show(got)}; expected Decimal({text!r}): {currency} has "
            f"{PLACES[currency]} decimal places.",
            hint="currency_exponent",
        )


@exercise("money.convert", title="Computes the product exactly, then rounds once")
def test_convert_rounds_only_once(learner: Learner) -> None:
    # 2.00 * 0.502499…95 is 1.00499…9 exactly (32 digits). Decimal's default context keeps
    # 28 digits, so a plain `amount * rate` first rounds it to 1.005, and HALF_UP then
    # makes 1.01: two roundings where the statement asks for one.
    amount, rate = Decimal("2.00"), Decimal("0.50249999999999999999999999999995")
    shown = f"convert(Decimal('2.00'), Decimal('{rate}'), 'USD', ROUND_HALF_UP)"
    got = learner.call("convert", amount, rate, "USD", ROUND_HALF_UP).value
    expect(
        type(got) is Decimal and str(got) == "1.00",
        f"{shown} returned {show(got)}; expected Decimal('1.00'). The exact product is "
        "1.0049999999999999999999999999999, which rounds to 1.00; a product first rounded "
        "to Decimal's default 28 digits becomes 1.005, and then 1.01.",
        hint="round_only_the_result",
    )


@exercise("money.convert", title="Uses the caller's rounding mode")
def test_convert_honours_rounding_mode(learner: Learner) -> None:
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
        args: list[object] = [Decimal(amount), Decimal(rate), currency]
        shown = f"convert(Decimal({amount!r}), Decimal({rate!r}), {currency!r}"
        if rounding is None:
            shown += ")"
        else:
            args.append(rounding)
            shown += f", {rounding})"
        got = learner.call("convert", *args).value
        expect(
            type(got) is Decimal and got == Decimal(text),
            f"{shown} returned {show(got)}; expected Decimal({text!r}).",
            hint="honour_rounding",
        )


@exercise("money.convert", title="Refuses float amounts and rates")
def test_convert_rejects_floats(learner: Learner) -> None:
    why = "A float amount or rate has already lost exact digits."
    check_table(
        learner,
        "convert",
        [
            Row((10.0, Decimal("1.1"), "USD"), Raises(TypeError), why=why),
            Row((Decimal("10.00"), 1.1, "USD"), Raises(TypeError), why=why),
        ],
        hint="reject_float",
    )


@exercise("money.convert", title="Refuses unknown currency codes, naming them")
def test_convert_rejects_unknown_currency(learner: Learner) -> None:
    for code in ["XYZ", "usd"]:
        observed = learner.call("convert", Decimal("1.00"), Decimal("1"), code)
        expect_outcome(
            observed,
            Raises(ValueError),
            why=f"{code} is not a code in MINOR_UNIT_EXPONENT.",
            hint="unknown_currency",
        )
        assert observed.raised is not None
        expect(
            code in observed.raised.message,
            f"{observed.shown} raised {observed.raised.describe()}; the message should name "
            f"{code!r} so the caller can see which code is unknown.",
            hint="unknown_currency",
        )


targets = st.one_of(
    st.tuples(st.just("USD"), st.decimals(Decimal("1"), Decimal("2"), places=4)),
    st.tuples(st.just("JPY"), st.decimals(Decimal("100"), Decimal("200"), places=2)),
    st.tuples(st.just("KWD"), st.decimals(Decimal("0.25"), Decimal("0.4"), places=5)),
)


@exercise("money.convert", title="A round trip to a finer currency lands within one cent")
@property_test(
    "quick", amount=st.decimals(Decimal("0"), Decimal("1000000"), places=2), target=targets
)
@example(amount=Decimal("1000000.00"), target=("KWD", Decimal("0.33333")))
@example(amount=Decimal("0.01"), target=("JPY", Decimal("161.53")))
@example(amount=Decimal("999.99"), target=("USD", Decimal("1.0837")))
def test_convert_round_trip_stays_within_one_unit(
    learner: Learner, amount: Decimal, target: tuple[str, Decimal]
) -> None:
    currency, rate = target
    there = learner.call("convert", amount, rate, currency).value
    shown = f"convert(Decimal({str(amount)!r}), Decimal({str(rate)!r}), {currency!r})"
    expect(
        type(there) is Decimal,
        f"{shown} returned {show(there)}, {a_kind(there)}; expected a Decimal.",
        hint="binary_float",
    )
    back_rate = Decimal(1) / rate
    back = learner.call("convert", there, back_rate, "EUR").value
    expect(
        type(back) is Decimal and abs(back - amount) <= CENT,
        f"{shown} returned {there!r}, and converting that back at 1 / {rate} returned "
        f"{show(back)}; the round trip should land within one cent of {amount}.",
        hint="round_only_the_result",
    )
