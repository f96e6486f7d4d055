# exercise: money.split
# wrong: does not check n, so split(100, 0) raises ZeroDivisionError
# caught-by: test_split_rejects_no_shares
# hint: invalid_count
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    base, remainder = divmod(total_minor, n)
    return [base + 1] * remainder + [base] * (n - remainder)
