# exercise: zen.is_leap
# right: an examiner's answer, written from the statement alone
# the century rule first: a year divisible by 100 is decided by 400, any other by 4
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    if year % 100 == 0:
        return year % 400 == 0
    return year % 4 == 0
