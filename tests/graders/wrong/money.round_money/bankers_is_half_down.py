# exercise: money.round_money
# wrong: uses ROUND_HALF_DOWN for banker's rounding, which always rounds a tie down
# caught-by: test_round_money_bankers_sends_ties_to_even
# hint: rounding_mode
from decimal import ROUND_HALF_DOWN


def round_money(amount: Decimal, mode: Literal["half_up", "bankers"]) -> Decimal:
    """Round amount to whole cents: "half_up" sends ties away from zero, "bankers" to even."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"round_money needs a Decimal, got {type(amount).__name__}")
    if mode not in ("half_up", "bankers"):
        raise ValueError(f"unknown rounding mode {mode!r}")
    rounding = ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_DOWN
    return amount.quantize(Decimal("0.01"), rounding=rounding)
