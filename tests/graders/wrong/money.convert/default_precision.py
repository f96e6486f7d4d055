# exercise: money.convert
# wrong: multiplies in Decimal's default 28-digit context, so a long product is rounded twice
# caught-by: test_convert_rounds_only_once
# hint: round_only_the_result
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    if not isinstance(amount, Decimal) or not isinstance(rate, Decimal):
        raise TypeError(
            f"amount and rate must be Decimal, got {type(amount).__name__} "
            f"and {type(rate).__name__}"
        )
    if to_currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"unknown currency code {to_currency!r}")
    quantum = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[to_currency])
    return (amount * rate).quantize(quantum, rounding=rounding)
