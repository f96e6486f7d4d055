# exercise: money.split
# wrong: rounds every share on its own, so the remainder is lost
# caught-by: test_split_keeps_every_unit
# hint: lost_cent
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    if n < 1:
        raise ValueError(f"cannot split among {n} people")
    return [round(total_minor / n)] * n
