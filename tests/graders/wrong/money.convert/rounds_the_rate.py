# exercise: money.convert
# wrong: rounds the amount and the rate to cents before multiplying
# caught-by: test_convert_round_trip_stays_within_one_unit
# hint: round_only_the_result
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    if not isinstance(amount, Decimal) or not isinstance(rate, Decimal):
        raise TypeError("amount and rate must be Decimal")
    if to_currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"unknown currency code {to_currency!r}")
    quantum = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[to_currency])
    cent = Decimal("0.01")
    return (amount.quantize(cent) * rate.quantize(cent)).quantize(quantum, rounding=rounding)
