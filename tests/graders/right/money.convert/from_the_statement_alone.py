# exercise: money.convert
# right: an examiner's answer, written from the statement alone
# the product computed at a precision sized to its operands, raised to fit before
# rounding
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    import decimal

    for label, value in (("amount", amount), ("rate", rate)):
        if not isinstance(value, Decimal):
            raise TypeError(
                f"{label} must be a Decimal, not {type(value).__name__}; "
                "a float is already inexact"
            )
        if not value.is_finite():
            raise ValueError(f"{label} must be a finite number, got {value}")
    places = MINOR_UNIT_EXPONENT.get(to_currency)
    if places is None:
        raise ValueError(f"unknown currency code {to_currency!r}")
    known_rules = {
        decimal.ROUND_CEILING, decimal.ROUND_DOWN, decimal.ROUND_FLOOR,
        decimal.ROUND_HALF_DOWN, decimal.ROUND_HALF_EVEN, decimal.ROUND_HALF_UP,
        decimal.ROUND_UP, decimal.ROUND_05UP,
    }
    if rounding not in known_rules:
        raise ValueError(f"unknown rounding rule {rounding!r}; use a decimal.ROUND_... constant")

    with localcontext() as ctx:
        # a product of an n-digit and an m-digit number has at most n + m digits
        ctx.prec = len(amount.as_tuple().digits) + len(rate.as_tuple().digits)
        exact = amount * rate
        # room for every digit of the rounded result, so quantize cannot fail
        ctx.prec = max(ctx.prec, exact.adjusted() + places + 2)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=rounding)
