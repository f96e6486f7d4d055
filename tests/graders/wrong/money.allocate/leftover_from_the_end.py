# exercise: money.allocate
# wrong: hands the leftover units to the last shares that were rounded down instead of the first
# caught-by: test_allocate_fowler_cases
# hint: extra_units_first
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit (Fowler's allocate)."""
    if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
        raise ValueError(f"ratios must be non-negative and not all zero, got {list(ratios)!r}")
    whole = sum(ratios)
    shares: list[int] = []
    rounded_down: list[int] = []
    for index, ratio in enumerate(ratios):
        share, rest = divmod(total_minor * ratio, whole)
        shares.append(share)
        if rest:
            rounded_down.append(index)
    leftover = total_minor - sum(shares)
    for index in reversed(rounded_down):
        if leftover == 0:
            break
        shares[index] += 1
        leftover -= 1
    return shares
