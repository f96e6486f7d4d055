# exercise: money.allocate
# wrong: does not check the ratios, so all-zero ratios raise ZeroDivisionError
# caught-by: test_allocate_rejects_bad_ratios
# hint: invalid_ratios
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit (Fowler's allocate)."""
    whole = sum(ratios)
    shares: list[int] = []
    rounded_down: list[int] = []
    for index, ratio in enumerate(ratios):
        share, rest = divmod(total_minor * ratio, whole)
        shares.append(share)
        if rest:
            rounded_down.append(index)
    for index in rounded_down[: total_minor - sum(shares)]:
        shares[index] += 1
    return shares
