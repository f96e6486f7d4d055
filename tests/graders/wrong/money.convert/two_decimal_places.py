# exercise: money.convert
# wrong: quantizes every currency to cents, so yen get two decimal places
# caught-by: test_convert_uses_target_minor_units
# hint: currency_exponent
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    if not isinstance(amount, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("amount and rate must be Decimal")
    if to_currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"unknown currency code {to_currency!r}")
    return (amount * rate).quantize(Decimal("0.01"), rounding=rounding)
