# exercise: money.split
# right: one comprehension with Hermite's identity: share i is (total + n - 1 - i) // n
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    if n < 1:
        raise ValueError(f"cannot split into {n} shares")
    return [(total_minor + n - 1 - i) // n for i in range(n)]
