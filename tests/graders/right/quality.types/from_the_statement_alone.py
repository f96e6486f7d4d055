# exercise: quality.types
# right: an examiner's answer, written from the statement alone
# a walrus with an is-None check; grouping with an explicit membership test
"""Prices with VAT, typed so that mypy --strict can check every call."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
VAT_RATES: dict[str, Decimal] = {
    "DE": Decimal("0.19"),
    "FR": Decimal("0.20"),
    "JP": Decimal("0.10"),
}


@dataclass(frozen=True)
class Money:
    """An amount in one currency."""

    amount: Decimal
    currency: str


def add_vat(net: Decimal, rate: Decimal) -> Decimal:
    """The gross amount: net plus VAT at rate, rounded half up to the cent."""
    return (net * (1 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """Read an amount such as ' 12.50 ' typed by a user."""
    return Decimal(text.strip())


def price_with_vat(net: Decimal, country: str) -> Decimal:
    """The gross price in a country; ValueError for a country without a known rate."""
    if (rate := VAT_RATES.get(country)) is None:
        raise ValueError(f"no VAT rate known for country {country!r}")
    return add_vat(net, rate)


def group_by_currency(items: Iterable[Money]) -> dict[str, list[Money]]:
    """The items grouped by currency, in the order they came."""
    groups: dict[str, list[Money]] = {}
    for item in items:
        if item.currency not in groups:
            groups[item.currency] = []
        groups[item.currency].append(item)
    return groups
