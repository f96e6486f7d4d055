"""quality.types: types that catch money bugs.

The functions run in the sandbox and their results come back as exact values (a Decimal
by its digits; a float is a float). mypy runs on the trusted side over the cell's text,
saved as `vat.py`, and over a client file that must type-check line by line or fail
with exactly the error its `# type: ignore[...]` names.
"""

from __future__ import annotations

from decimal import Decimal

from quality_helpers import done
from quality_mypy import ClientLine, MypyCheck, MypyRule, check_client_file, check_learner_file

from zendo.judge import Handle, Iterate, Learner, Submitted, exercise, expect, same, show

TYPES_FLAGS = "--strict --disallow-any-explicit"

TYPES = MypyCheck(
    module="vat",
    client_header=(
        "from decimal import Decimal\n\n"
        "from vat import Money, add_vat, group_by_currency, parse_amount, price_with_vat\n\n"
    ),
    client=[
        ClientLine('coffee = Money(Decimal("3.50"), "EUR")', hint="mypy_strict"),
        ClientLine(
            'gross: Decimal = add_vat(Decimal("10.00"), Decimal("0.19"))', hint="float_money"
        ),
        ClientLine('amount: Decimal = parse_amount(" 12.50 ")', hint="mypy_strict"),
        ClientLine(
            'price: Decimal = price_with_vat(Decimal("10.00"), "DE")', hint="narrow_optional"
        ),
        ClientLine(
            "groups: dict[str, list[Money]] = group_by_currency([coffee])", hint="bare_generic"
        ),
        ClientLine(
            "pair: dict[str, list[Money]] = group_by_currency((coffee, coffee))",
            hint="accept_iterable",
        ),
        ClientLine(
            "lazy: dict[str, list[Money]] = group_by_currency(m for m in [coffee])",
            hint="accept_iterable",
        ),
        ClientLine(
            "add_vat(10.0, 0.2)",
            ignore="arg-type",
            why="passes floats as money, which must be a type error",
            hint="float_money",
        ),
        ClientLine(
            'add_vat(Decimal("10.00"), 0.2)',
            ignore="arg-type",
            why="passes a float rate, which must be a type error",
            hint="float_money",
        ),
        ClientLine(
            'price_with_vat(10.0, "DE")',
            ignore="arg-type",
            why="passes a float amount, which must be a type error",
            hint="float_money",
        ),
        ClientLine(
            "parse_amount(12.5)",
            ignore="arg-type",
            why="passes a float where the user's text is expected, which must be a type error",
            hint="too_wide",
        ),
        ClientLine(
            'label: str = add_vat(Decimal("10.00"), Decimal("0.19"))',
            ignore="assignment",
            why="stores a Decimal result in a str variable, which must be a type error",
            hint="too_wide",
        ),
        ClientLine(
            'group_by_currency(["EUR"])',
            ignore="list-item",
            why="groups strings instead of Money, which must be a type error",
            hint="too_wide",
        ),
        ClientLine(
            "totals: dict[str, Decimal] = group_by_currency([coffee])",
            ignore="assignment",
            why="treats lists of Money as Decimals, which must be a type error",
            hint="bare_generic",
        ),
    ],
    rules=[
        MypyRule(codes=("explicit-any",), hint="explicit_any"),
        MypyRule(words=('"float"',), hint="float_money"),
        MypyRule(
            codes=("no-untyped-def", "no-untyped-call", "var-annotated"), hint="missing_annotation"
        ),
        MypyRule(codes=("type-arg",), hint="bare_generic"),
        MypyRule(words=('| None"', '"None"'), hint="narrow_optional"),
    ],
    first_codes=("explicit-any",),
    inline_flags="disallow-any-explicit",
)

MONEY_ITEMS = [(Decimal("1.00"), "EUR"), (Decimal("2.00"), "USD"), (Decimal("3.00"), "EUR")]
GROUPED = {"EUR": [0, 2], "USD": [1]}  # currency -> indexes into MONEY_ITEMS, in order


def money_fields(learner: Learner, item: object) -> tuple[object, object] | None:
    """A Money's amount and currency as exact data; None for anything that is not a Money."""
    if not isinstance(item, Handle) or not item.is_a("Money"):
        return None
    return item.get("amount").returned, item.get("currency").returned


def grouped_as_expected(learner: Learner, got: object) -> bool:
    """The groups hold, per currency and in order, Money with the given amounts."""
    if type(got) is not dict or set(got) != set(GROUPED):
        return False
    for currency, indexes in GROUPED.items():
        group = got[currency]
        if type(group) is not list or len(group) != len(indexes):
            return False
        for item, index in zip(group, indexes, strict=True):
            if not same(money_fields(learner, item), MONEY_ITEMS[index]):
                return False
    return True


@exercise("quality.types", title="The functions give the right results")
def test_types_functions_behave(learner: Learner) -> None:
    for net, rate, expected in [("10.00", "0.19", "11.90"), ("0.05", "0.10", "0.06")]:
        shown = f"add_vat(Decimal({net!r}), Decimal({rate!r}))"
        outcome = done(learner.call("add_vat", Decimal(net), Decimal(rate)))
        expect(
            outcome.ok and type(outcome.returned) is not float,
            f"{shown} {outcome.describe()}; expected Decimal({expected!r}).",
            hint="float_money",
        )
        expect(
            type(outcome.returned) is Decimal and str(outcome.returned) == expected,
            f"{shown} {outcome.describe()}; expected Decimal({expected!r}).",
            hint="keep_behaviour",
        )
    outcome = done(learner.call("parse_amount", " 12.50 "))
    expect(
        type(outcome.returned) is Decimal and str(outcome.returned) == "12.50",
        f"parse_amount(' 12.50 ') {outcome.describe()}; expected Decimal('12.50').",
        hint="keep_behaviour",
    )
    items = [learner.call("Money", amount, currency).handle for amount, currency in MONEY_ITEMS]
    outcome = done(learner.call("group_by_currency", Iterate(items)))
    grouped = {currency: [items[i] for i in indexes] for currency, indexes in GROUPED.items()}
    expect(
        outcome.ok and grouped_as_expected(learner, outcome.returned),
        "group_by_currency over a generator of Money(1.00 EUR), Money(2.00 USD), "
        f"Money(3.00 EUR) {outcome.describe()}; expected {show(grouped)}.",
        hint="keep_behaviour",
    )
    outcome = done(learner.call("price_with_vat", Decimal("10.00"), "DE"))
    expect(
        type(outcome.returned) is Decimal and outcome.returned == Decimal("11.90"),
        f"price_with_vat(Decimal('10.00'), 'DE') {outcome.describe()}; expected Decimal('11.90').",
        hint="keep_behaviour",
    )
    outcome = done(learner.call("price_with_vat", Decimal("10.00"), "XX"))
    expect(
        outcome.raised is not None
        and outcome.raised.is_a(ValueError)
        and "XX" in outcome.raised.message,
        f"price_with_vat(Decimal('10.00'), 'XX') {outcome.describe()}; expected a "
        "ValueError that names 'XX': VAT_RATES has no rate for it, and .get() said so "
        "with None.",
        hint="narrow_optional",
    )


@exercise("quality.types", title="`mypy --strict` accepts your cell")
def test_types_pass_mypy_strict(learner: Learner, submitted: Submitted) -> None:
    check_learner_file(TYPES, submitted, TYPES_FLAGS)


@exercise("quality.types", title="Code that uses your functions type-checks as it should")
def test_types_client_type_checks(learner: Learner, submitted: Submitted) -> None:
    check_client_file(TYPES, submitted, "your functions")
