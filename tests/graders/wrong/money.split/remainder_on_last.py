# exercise: money.split
# wrong: dumps the whole remainder on the last share
# caught-by: test_split_shares_differ_by_at_most_one
# hint: remainder_on_last
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    if n < 1:
        raise ValueError(f"cannot split among {n} people")
    base, remainder = divmod(total_minor, n)
    shares = [base] * n
    shares[-1] += remainder
    return shares
