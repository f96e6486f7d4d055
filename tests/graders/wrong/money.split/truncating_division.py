# exercise: money.split
# wrong: truncates toward zero with int(), so a negative remainder is never handed out
# caught-by: test_split_handles_refunds
# hint: negative_totals
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor into n shares that add up to it and differ by at most one unit."""
    if n < 1:
        raise ValueError(f"cannot split among {n} people")
    base = int(total_minor / n)
    remainder = total_minor - base * n
    return [base + 1 if index < remainder else base for index in range(n)]
