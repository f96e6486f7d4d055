# exercise: money.round_money
# wrong: rounds with round() on a float, so 2.675 becomes 2.67
# caught-by: test_round_money_avoids_binary_floats
# hint: binary_float
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_money needs a Decimal, got {type(amount).__name__}")
    if mode not in ("half_up", "bankers"):
        raise ValueError(f"unknown rounding mode {mode!r}")
    return Decimal(str(round(float(amount), 2)))
