# exercise: money.convert
# wrong: divides by the rate instead of multiplying
# caught-by: test_convert_fixed_cases
# hint: rate_direction
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    if not isinstance(amount, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("amount and rate must be Decimal")
    if to_currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"unknown currency code {to_currency!r}")
    quantum = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[to_currency])
    return (amount / rate).quantize(quantum, rounding=rounding)
