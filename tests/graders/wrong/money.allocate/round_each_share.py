# exercise: money.allocate
# wrong: rounds every share on its own, so units are lost or made up
# caught-by: test_allocate_keeps_every_unit
# hint: lost_cent
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit (Fowler's allocate)."""
    if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
        raise ValueError(f"ratios must be non-negative and not all zero, got {list(ratios)!r}")
    whole = sum(ratios)
    return [round(total_minor * ratio / whole) for ratio in ratios]
