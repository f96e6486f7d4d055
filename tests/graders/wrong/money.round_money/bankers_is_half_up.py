# exercise: money.round_money
# wrong: treats banker's rounding as rounding half up
# caught-by: test_round_money_bankers_sends_ties_to_even
# hint: bankers_rounding
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_money needs a Decimal, got {type(amount).__name__}")
    if mode not in ("half_up", "bankers"):
        raise ValueError(f"unknown rounding mode {mode!r}")
    # Banks round half up, like everybody else.
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
