# exercise: money.round_money
# right: a match on the mode, then round(amount, 2) inside a localcontext with that rounding
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"expected a Decimal amount, got {amount!r}")
    match mode:
        case "half_up":
            rule = ROUND_HALF_UP
        case "bankers":
            rule = ROUND_HALF_EVEN
        case _:
            raise ValueError(f"mode must be 'half_up' or 'bankers', not {mode!r}")
    with localcontext() as context:
        context.rounding = rule
        return round(amount, 2)
