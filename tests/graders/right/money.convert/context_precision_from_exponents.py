# exercise: money.convert
# right: multiplies in a context with a generous precision, then quantizes with a quantum from a string
def convert(
    amount: Decimal, rate: Decimal, to_currency: str, rounding: str = ROUND_HALF_EVEN
) -> Decimal:
    """Convert amount at rate (to_currency units per source unit), rounded to to_currency."""
    for name, value in (("amount", amount), ("rate", rate)):
        if not isinstance(value, Decimal):
            raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    places = MINOR_UNIT_EXPONENT.get(to_currency)
    if places is None:
        raise ValueError(f"unknown currency {to_currency!r}")
    quantum = Decimal("1." + "0" * places) if places else Decimal("1")
    with localcontext() as context:
        context.prec = 2 * max(len(amount.as_tuple().digits), len(rate.as_tuple().digits)) + 2
        product = amount * rate
    return product.quantize(quantum, rounding=rounding)
