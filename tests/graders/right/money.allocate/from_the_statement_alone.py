# exercise: money.allocate
# right: an examiner's answer, written from the statement alone
# every exact part rounded down with divmod, the leftover units to the earliest rounded-
# down shares
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit."""
    if isinstance(total_minor, bool) or not isinstance(total_minor, int):
        raise TypeError(f"total_minor must be an int, not {type(total_minor).__name__}")
    weights = list(ratios)
    if not weights:
        raise ValueError("allocate needs at least one ratio")
    for weight in weights:
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise TypeError(f"ratios must be whole numbers, got {weight!r}")
        if weight < 0:
            raise ValueError(f"ratios must not be negative, got {weight}")
    denominator = sum(weights)
    if denominator == 0:
        raise ValueError("at least one ratio must be above zero")

    shares: list[int] = []
    rounded_down: list[bool] = []
    for weight in weights:
        floor_part, remainder = divmod(total_minor * weight, denominator)
        shares.append(floor_part)
        rounded_down.append(remainder != 0)

    left_over = total_minor - sum(shares)  # 0 <= left_over < number of rounded-down shares
    position = 0
    while left_over > 0:
        if rounded_down[position]:
            shares[position] += 1
            left_over -= 1
        position += 1
    return shares
