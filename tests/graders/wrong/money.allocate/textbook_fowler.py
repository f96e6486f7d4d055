# exercise: money.allocate
# wrong: hands the leftover units to the first shares even when their exact part is whole, so a ratio of 0 can get a unit
# caught-by: test_allocate_gives_a_zero_ratio_nothing
# hint: leftover_to_rounded_down
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit (Fowler's allocate)."""
    if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
        raise ValueError(f"ratios must be non-negative and not all zero, got {list(ratios)!r}")
    whole = sum(ratios)
    shares = [total_minor * ratio // whole for ratio in ratios]
    for index in range(total_minor - sum(shares)):
        shares[index] += 1
    return shares
