# exercise: money.allocate
# wrong: rounds every share down and dumps all the leftover units on the last share
# caught-by: test_allocate_follows_the_ratios
# hint: remainder_on_last
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit (Fowler's allocate)."""
    if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
        raise ValueError(f"ratios must be non-negative and not all zero, got {list(ratios)!r}")
    whole = sum(ratios)
    shares = [total_minor * ratio // whole for ratio in ratios]
    shares[-1] += total_minor - sum(shares)
    return shares
