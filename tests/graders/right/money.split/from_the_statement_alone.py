# exercise: money.split
# right: an examiner's answer, written from the statement alone
# divmod and a plain loop; TypeError for a non-int or bool argument
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    for name, value in (("total_minor", total_minor), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if n < 1:
        raise ValueError(f"cannot split into {n} shares; n must be at least 1")
    base, extra = divmod(total_minor, n)  # 0 <= extra < n, also for a negative total
    shares: list[int] = []
    for index in range(n):
        shares.append(base + 1 if index < extra else base)
    return shares
