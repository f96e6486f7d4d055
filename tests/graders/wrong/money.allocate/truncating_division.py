# exercise: money.allocate
# wrong: truncates toward zero with int(), so for a refund the leftover is negative and never handed out
# caught-by: test_allocate_handles_refunds
# hint: negative_totals
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit (Fowler's allocate)."""
    if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
        raise ValueError(f"ratios must be non-negative and not all zero, got {list(ratios)!r}")
    whole = sum(ratios)
    shares = [int(total_minor * ratio / whole) for ratio in ratios]
    leftover = total_minor - sum(shares)
    for index in range(leftover):
        shares[index] += 1
    return shares
