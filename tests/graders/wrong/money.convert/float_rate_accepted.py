# exercise: money.convert
# wrong: turns the amount and rate into Decimal through str(), so floats are accepted
# caught-by: test_convert_rejects_floats
# hint: reject_float
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    amount, rate = Decimal(str(amount)), Decimal(str(rate))
    if to_currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"unknown currency code {to_currency!r}")
    quantum = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[to_currency])
    return (amount * rate).quantize(quantum, rounding=rounding)
