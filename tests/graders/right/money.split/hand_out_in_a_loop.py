# exercise: money.split
# right: starts everyone at the floor share, then hands out the remainder one unit at a time
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    if n < 1:
        raise ValueError("n must be at least 1")
    shares = [total_minor // n for _ in range(n)]
    for index in range(total_minor % n):
        shares[index] += 1
    return shares
