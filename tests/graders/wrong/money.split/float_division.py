# exercise: money.split
# wrong: divides with /, so the shares are floats
# caught-by: test_split_keeps_every_unit
# hint: whole_units
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    if n < 1:
        raise ValueError(f"cannot split among {n} people")
    return [total_minor / n] * n
