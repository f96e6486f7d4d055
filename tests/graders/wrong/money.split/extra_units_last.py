# exercise: money.split
# wrong: gives the extra units to the last shares instead of the first
# caught-by: test_split_fixed_cases
# hint: extra_units_first
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    if n < 1:
        raise ValueError(f"cannot split among {n} people")
    base, remainder = divmod(total_minor, n)
    return [base] * (n - remainder) + [base + 1] * remainder
