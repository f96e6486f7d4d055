# exercise: money.round_money
# wrong: converts whatever it is given with Decimal(), so a float slips through
# caught-by: test_round_money_rejects_float
# hint: reject_float
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    amount = Decimal(amount)
    rounding = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN}[mode]
    return amount.quantize(Decimal("0.01"), rounding=rounding)
