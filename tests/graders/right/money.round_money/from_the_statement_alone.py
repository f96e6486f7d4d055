# exercise: money.round_money
# right: an examiner's answer, written from the statement alone
# the mode looked up in a dict first; quantize in a localcontext with enough precision
def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    rules = {"half_up": ROUND_HALF_UP, "bankers": ROUND_HALF_EVEN}
    try:
        rule = rules[mode]
    except (KeyError, TypeError):
        raise ValueError(f"unknown rounding mode {mode!r}; use 'half_up' or 'bankers'") from None
    if not isinstance(amount, Decimal):
        raise TypeError(
            f"amount must be a Decimal, not {type(amount).__name__}; "
            "build it from a string, e.g. Decimal('2.675')"
        )
    cent = Decimal("0.01")
    with localcontext() as ctx:
        # enough precision that quantize never fails for a large but finite amount
        ctx.prec = max(ctx.prec, amount.adjusted() + 4)
        return amount.quantize(cent, rounding=rule)
