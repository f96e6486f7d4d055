# exercise: money.convert
# wrong: leaves out rounding= in quantize, so the caller's mode is ignored
# caught-by: test_convert_honours_rounding_mode
# hint: honour_rounding
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    if not isinstance(amount, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("amount and rate must be Decimal")
    if to_currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"unknown currency code {to_currency!r}")
    quantum = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[to_currency])
    return (amount * rate).quantize(quantum)
