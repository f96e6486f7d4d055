# exercise: zen.is_leap
# right: counts how many of 4, 100 and 400 divide the year: one or three means leap
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    divisible_by = [year % divisor == 0 for divisor in (4, 100, 400)]
    return divisible_by.count(True) in {1, 3}
