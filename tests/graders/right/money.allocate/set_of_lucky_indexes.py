# exercise: money.allocate
# right: floor shares with //, the indexes that get an extra unit chosen up front as a set
def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit."""
    if not ratios:
        raise ValueError("no ratios given")
    if any(r < 0 for r in ratios):
        raise ValueError(f"negative ratio in {ratios!r}")
    whole = sum(ratios)
    if whole == 0:
        raise ValueError("all ratios are zero")
    floors = [total_minor * r // whole for r in ratios]
    inexact = [i for i, r in enumerate(ratios) if total_minor * r % whole != 0]
    lucky = set(inexact[: total_minor - sum(floors)])
    return [share + (i in lucky) for i, share in enumerate(floors)]
