# exercise: money.allocate
# right: exact parts as Fractions, math.floor each, then +1 to the earliest non-whole parts
import math
from fractions import Fraction


def allocate(total_minor: int, ratios: Sequence[int]) -> list[int]:
    """Allocate total_minor in proportion to ratios, keeping every unit."""
    if len(ratios) == 0 or min(ratios) < 0 or max(ratios) == 0:
        raise ValueError("ratios must be non-negative, and at least one above zero")
    exact = [Fraction(total_minor * ratio, sum(ratios)) for ratio in ratios]
    shares = [math.floor(part) for part in exact]
    left = total_minor - sum(shares)
    for index, part in enumerate(exact):
        if left == 0:
            break
        if part.denominator != 1:
            shares[index] += 1
            left -= 1
    return shares
