"""v2 graders of money.value_object, its behaviour: an immutable Money value object.

The learner's Money objects stay in the sandbox; the graders hold handles to them and
read their fields (`minor`, `currency`) back as exact values, compared here against
minor units computed from the graders' own table. The learner's `==` is asked too, where
the exercise is about equality, and its answer must be exactly `True` or `False`.
The two mypy checks of this exercise are in test_money_value_types.py.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial

from money_helpers import (
    holds,
    is_whole,
    looks_equal,
    minor_units,
    money,
    money_class,
    says_equal,
)

from zendo.judge import (
    Handle,
    Learner,
    Observation,
    Raises,
    caught,
    exercise,
    expect,
    expect_outcome,
    fail,
    show,
)


def check_amount(
    learner: Learner,
    amount: object,
    currency: str,
    units: int,
    text: str,
    *,
    hint: str,
) -> None:
    """Money.of(amount, currency) holds `units` minor units and to_decimal() shows text."""
    shown = f"Money.of({amount!r}, {currency!r})"
    made = money_class(learner).call("of", amount, currency).value
    expect(
        isinstance(made, Handle) and made.is_a("Money"),
        f"{shown} returned {show(made)}; expected a Money.",
        hint=hint,
    )
    assert isinstance(made, Handle)
    expect(
        holds(learner, made, units, currency),
        f"{shown} returned {show(made)}; expected minor={units} and currency={currency!r}.",
        hint=hint,
    )
    as_decimal = made.call("to_decimal").value
    expected = Decimal(text)
    expect(
        type(as_decimal) is Decimal and as_decimal == expected,
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
def test_money_of_reads_amounts(learner: Learner) -> None:
    for amount, currency, units, text in [
        ("12.34", "EUR", 1234, "12.34"),
        (Decimal("-0.5"), "EUR", -50, "-0.50"),
        (7, "EUR", 700, "7.00"),
        ("1.0", "EUR", 100, "1.00"),
        ("0.05", "USD", 5, "0.05"),
    ]:
        check_amount(learner, amount, currency, units, text, hint="minor_units")


@exercise("money.value_object", title="Uses each currency's own minor unit")
def test_money_uses_each_currency_minor_units(learner: Learner) -> None:
    for amount, currency, units, text in [
        ("500", "JPY", 500, "500"),
        ("1.234", "KWD", 1234, "1.234"),
        ("12.3", "KWD", 12300, "12.300"),
        ("0.005", "BHD", 5, "0.005"),
    ]:
        check_amount(learner, amount, currency, units, text, hint="currency_exponent")
    for units, currency, text in [(1234, "KWD", "1.234"), (500, "JPY", "500")]:
        made = money_class(learner).invoke(units, currency).handle
        got = made.call("to_decimal").value
        expect(
            type(got) is Decimal and str(got) == text,
            f"Money({units}, {currency!r}).to_decimal() returned {show(got)}; expected "
            f"Decimal({text!r}).",
            hint="currency_exponent",
        )


@exercise("money.value_object", title="Refuses amounts finer than the minor unit")
def test_money_refuses_to_round_silently(learner: Learner) -> None:
    for amount, currency in [("12.345", "EUR"), ("1.5", "JPY"), ("0.0001", "KWD")]:
        expect_outcome(
            money_class(learner).call("of", amount, currency),
            Raises(ValueError),
            why=f"{amount} is finer than the smallest {currency} unit, and rounding it is "
            "the caller's decision.",
            hint="no_silent_rounding",
        )


@exercise("money.value_object", title="Refuses floats")
def test_money_rejects_floats(learner: Learner) -> None:
    cls = money_class(learner)
    expect_outcome(
        cls.call("of", 0.1, "EUR"),
        Raises(TypeError),
        why="A float has already lost the exact amount; pass a str or a Decimal.",
        hint="reject_float",
    )
    expect_outcome(
        cls.invoke(1.5, "EUR"),
        Raises(TypeError),
        why="minor is a whole number of minor units.",
        hint="reject_float",
    )
    price = money(learner, "12.34", "EUR")
    expect_outcome(
        learner.op("mul", price, 1.5),
        Raises(TypeError),
        why="Money multiplies by whole numbers only.",
        hint="reject_float",
    )


@exercise("money.value_object", title="Refuses unknown currency codes")
def test_money_checks_its_currency(learner: Learner) -> None:
    cls = money_class(learner)
    expect_outcome(
        cls.call("of", "1.00", "XYZ"),
        Raises(ValueError),
        why="XYZ is not an ISO 4217 code in MINOR_UNIT_EXPONENT.",
        hint="unknown_currency",
    )
    expect_outcome(
        cls.invoke(100, "eur"),
        Raises(ValueError),
        why="Currency codes are upper case, as in MINOR_UNIT_EXPONENT.",
        hint="unknown_currency",
    )


@exercise("money.value_object", title="Money cannot be changed and works as a dict key")
def test_money_is_immutable(learner: Learner) -> None:
    price = money(learner, "12.34", "EUR")
    change = price.set("minor", 0)
    expect(
        change.raised is not None and change.raised.is_a(AttributeError, TypeError, ValueError),
        "price = Money.of('12.34', 'EUR'); price.minor = 0 was accepted; expected "
        "an error, because a value object never changes once it is made.",
        hint="frozen_value_object",
    )
    expect(
        holds(learner, price, 1234, "EUR"),
        f"after a refused assignment, price is {show(price)}; expected it unchanged.",
        hint="frozen_value_object",
    )
    same_price = money(learner, "12.340", "EUR")
    # A real dict in the sandbox, keyed by the learner's object: the lookup uses its
    # __hash__ and __eq__, as a caller's dict would.
    table = learner.stdlib("builtins").keep("dict", [(price, "coffee")]).handle
    lookup = table.call("get", same_price)
    message = (
        "{Money.of('12.34', 'EUR'): 'coffee'}.get(Money.of('12.340', 'EUR')) "
        f"{lookup.describe()}; expected 'coffee': equal values must hash alike so they "
        "can be dict keys."
    )
    if not (lookup.ok and lookup.returned == "coffee"):
        if not says_equal(learner, price, same_price):
            fail(f"{message} But the two do not even compare equal.", hint="value_equality")
        fail(message, hint="frozen_value_object")


@exercise("money.value_object", title="Equal amounts compare equal")
def test_money_equality_is_by_value(learner: Learner) -> None:
    for left, right, equal in [
        (("1.0", "EUR"), ("1.00", "EUR"), True),
        (("12.34", "EUR"), ("12.34", "EUR"), True),
        (("1", "EUR"), ("1", "USD"), False),
        (("1.00", "EUR"), ("1.01", "EUR"), False),
    ]:
        got = learner.op("eq", money(learner, *left), money(learner, *right)).value
        expect(
            type(got) is bool and got is equal,
            f"Money.of{left!r} == Money.of{right!r} returned {show(got)}; expected {equal}.",
            hint="value_equality",
        )


def check_result(
    learner: Learner, compute: Callable[[], Observation], text: str, currency: str
) -> None:
    """The operation returns a Money of `text` in `currency`, and == finds equal results equal.

    The fields are judged here, against minor units computed from the graders' table;
    then the same operation runs again and the learner's `==` must find the two results
    equal. No expected amount is ever built in the sandbox.
    """
    observed = compute()
    got = observed.value
    expected = f"Money.of({text!r}, {currency!r})"
    if holds(learner, got, minor_units(text, currency), currency):
        again = compute().value
        if says_equal(learner, got, again):
            return
        if looks_equal(got, again):
            fail(
                f"{observed.shown} returned {show(got)}, as it should, but == says it differs "
                f"from the same {observed.shown} computed again: Money must compare by its "
                "values.",
                hint="value_equality",
            )
    fail(f"{observed.shown} returned {show(got)}; expected {expected}.", hint="money_arithmetic")


@exercise("money.value_object", title="Adds and subtracts in one currency")
def test_money_adds_and_subtracts(learner: Learner) -> None:
    for left, symbol, right, currency, expected in [
        ("12.34", "+", "0.66", "EUR", "13.00"),
        ("1", "-", "2.50", "EUR", "-1.50"),
        ("500", "+", "1", "JPY", "501"),
        ("0.010", "-", "0.001", "KWD", "0.009"),
    ]:
        first, second = money(learner, left, currency), money(learner, right, currency)
        name = "add" if symbol == "+" else "sub"
        check_result(learner, partial(learner.op, name, first, second), expected, currency)


@exercise("money.value_object", title="Multiplies by whole numbers")
def test_money_multiplies_by_whole_numbers(learner: Learner) -> None:
    price = money(learner, "12.34", "EUR")
    for left, right, expected in [
        (price, 3, "37.02"),
        (3, price, "37.02"),
        (price, 0, "0"),
        (price, -1, "-12.34"),
    ]:
        check_result(learner, partial(learner.op, "mul", left, right), expected, "EUR")


@exercise("money.value_object", title="Mixing currencies raises CurrencyMismatchError")
def test_money_mismatch_raises_dedicated_error(learner: Learner) -> None:
    error_class = learner.get("CurrencyMismatchError")
    subclass = (
        learner.op("issubclass", error_class.returned, ValueError) if error_class.ok else None
    )
    expect(
        subclass is not None and subclass.ok and subclass.returned is True,
        "Your cell has no CurrencyMismatchError class that subclasses ValueError; define "
        "one so callers can catch exactly this mistake.",
        hint="mismatch_error",
    )
    euros = money(learner, "1.00", "EUR")
    dollars = money(learner, "1.00", "USD")
    operators = learner.stdlib("operator")
    for symbol, name in [("+", "add"), ("-", "sub")]:
        expect_outcome(
            learner.op(name, euros, dollars),
            Raises("CurrencyMismatchError"),
            why="Adding or subtracting two currencies is a mistake of its own.",
            hint="mismatch_error",
        )
        shown = f"Money.of('1.00', 'EUR') {symbol} Money.of('1.00', 'USD')"
        error = caught(learner, operators.get(name).handle, euros, dollars).value
        assert isinstance(error, Handle)  # expect_outcome has just seen it raise
        left, right = error.get("left"), error.get("right")
        left_value = left.returned if left.ok else None
        right_value = right.returned if right.ok else None
        expect(
            type(left_value) is str
            and type(right_value) is str
            and (left_value, right_value) == ("EUR", "USD"),
            f"{shown} raised CurrencyMismatchError with .left={show(left_value)} and "
            f".right={show(right_value)}; expected .left='EUR' and .right='USD'.",
            hint="mismatch_error",
        )


@exercise("money.value_object", title="Returns NotImplemented for other types")
def test_money_returns_notimplemented_for_foreign_types(learner: Learner) -> None:
    price = money(learner, "12.34", "EUR")
    for operator, left, right in [
        ("add", price, 1),
        ("add", price, Decimal("1.00")),
        ("sub", price, 1),
        ("add", 1, price),
    ]:
        expect_outcome(
            learner.op(operator, left, right),
            Raises(TypeError),
            why="Python raises it for you when both sides return NotImplemented.",
            hint="return_notimplemented",
        )
    for method in ["__add__", "__sub__"]:
        outcome = price.call(method, 1)
        expect(
            outcome.ok and outcome.returned is NotImplemented,
            f"Money.of('12.34', 'EUR').{method}(1) {outcome.describe()}; expected it to "
            "return NotImplemented, so that Python can ask the other operand before it "
            "raises TypeError.",
            hint="return_notimplemented",
        )


@exercise("money.value_object", title="Allocates by ratios without losing a unit")
def test_money_allocates(learner: Learner) -> None:
    # A refund may be allocated as the mirror image of the charge, so either answer is fine.
    for amount, currency, ratios, answers in [
        ("0.05", "EUR", [70, 30], [["0.04", "0.01"]]),
        ("100", "EUR", [1, 1, 1], [["33.34", "33.33", "33.33"]]),
        ("100", "JPY", [1, 1, 1], [["34", "33", "33"]]),
        ("-0.05", "EUR", [70, 30], [["-0.03", "-0.02"], ["-0.04", "-0.01"]]),
    ]:
        price = money(learner, amount, currency)
        observed = price.call("allocate", list(ratios))
        got = observed.value
        shares: list[object] = list(got) if type(got) is list else []
        right = [
            answer
            for answer in answers
            if len(shares) == len(answer)
            and all(
                holds(learner, share, minor_units(text, currency), currency)
                for share, text in zip(shares, answer, strict=True)
            )
        ]
        wanted = "[" + ", ".join(f"Money.of({t!r}, {currency!r})" for t in answers[0]) + "]"
        message = f"{observed.shown} returned {show(got)}; expected {wanted}."
        if right:
            # The same allocation again: the learner's == must find each share equal.
            again = price.call("allocate", list(ratios)).value
            others: list[object] = list(again) if type(again) is list else []
            pairs = list(zip(shares, others, strict=False))
            if len(others) == len(shares) and all(says_equal(learner, a, b) for a, b in pairs):
                continue
            if looks_equal(got, again):
                fail(
                    f"{observed.shown} returned {show(got)}, as it should, but == says its "
                    "shares differ from the same allocation computed again: Money must "
                    "compare by its values.",
                    hint="value_equality",
                )
        units = [_minor(share) for share in shares]
        kept = (
            type(got) is list
            and len(units) == len(ratios)
            and all(is_whole(unit) for unit in units)
            and sum(u for u in units if isinstance(u, int)) == minor_units(amount, currency)
        )
        if kept:
            fail(message, hint="follow_the_ratios")
        fail(message, hint="lost_cent")


def _minor(share: object) -> object:
    """A share's minor units as an exact value, or None if it has none to read."""
    if not isinstance(share, Handle):
        return None
    observed = share.get("minor")
    return observed.returned if observed.ok else None
