# exercise: money.convert
# right: multiplies the integer significands exactly, with no decimal context at all, then rounds once
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    if not (isinstance(amount, Decimal) and isinstance(rate, Decimal)):
        raise TypeError("convert takes Decimal amounts and rates, never floats")
    if to_currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"{to_currency!r} is not a currency this table knows")
    a_sign, a_digits, a_exp = amount.as_tuple()
    r_sign, r_digits, r_exp = rate.as_tuple()
    significand = int("".join(map(str, a_digits))) * int("".join(map(str, r_digits)))
    exact = Decimal((a_sign ^ r_sign, tuple(map(int, str(significand))), a_exp + r_exp))
    return exact.quantize(Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[to_currency]), rounding=rounding)
