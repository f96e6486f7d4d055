# exercise: money.round_money
# wrong: treats every mode other than half_up as banker's rounding
# caught-by: test_round_money_rejects_unknown_mode
# hint: unknown_mode
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_money needs a Decimal, got {type(amount).__name__}")
    rounding = ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN
    return amount.quantize(Decimal("0.01"), rounding=rounding)
