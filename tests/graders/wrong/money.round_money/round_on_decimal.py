# exercise: money.round_money
# wrong: uses round(amount, 2) for both modes, which rounds half to even
# caught-by: test_round_money_half_up_sends_ties_away_from_zero
# hint: default_half_even
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_money needs a Decimal, got {type(amount).__name__}")
    if mode not in ("half_up", "bankers"):
        raise ValueError(f"unknown rounding mode {mode!r}")
    return round(amount, 2)
