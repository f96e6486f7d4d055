# exercise: money.convert
# wrong: looks the code up without checking it, so an unknown currency raises KeyError
# caught-by: test_convert_rejects_unknown_currency
# hint: unknown_currency
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    if not isinstance(amount, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("amount and rate must be Decimal")
    quantum = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[to_currency])
    return (amount * rate).quantize(quantum, rounding=rounding)
