# exercise: money.round_money
# wrong: rounds to whole cents as an int and divides by 100, losing the two places
# caught-by: test_round_money_returns_decimal_cents
# hint: cents_exponent
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_money needs a Decimal, got {type(amount).__name__}")
    if mode not in ("half_up", "bankers"):
        raise ValueError(f"unknown rounding mode {mode!r}")
    rounding = ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN
    cents = int((amount * 100).to_integral_value(rounding=rounding))
    return Decimal(cents) / 100
