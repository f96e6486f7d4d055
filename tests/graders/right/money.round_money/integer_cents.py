# exercise: money.round_money
# right: works in whole cents: scales by 100, rounds to an integral value, scales back
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError("round_money takes a Decimal, never a float")
    if mode == "half_up":
        rule = ROUND_HALF_UP
    elif mode == "bankers":
        rule = ROUND_HALF_EVEN
    else:
        raise ValueError(f"unknown mode {mode!r}")
    cents = amount.scaleb(2).to_integral_value(rounding=rule)
    return Decimal(int(cents)).scaleb(-2)
