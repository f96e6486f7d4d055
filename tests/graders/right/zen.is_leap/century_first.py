# exercise: zen.is_leap
# right: handles century years first with an early return, then the every-fourth-year rule
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    if year % 100 == 0:
        return year % 400 == 0
    return year % 4 == 0
