# exercise: zen.is_leap
# wrong: right answers, but a pyramid of if/else for a one-line rule
# caught-by: test_is_leap_is_simple
# hint: kiss_complexity
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    if year % 4 == 0:
        if year % 100 == 0:
            if year % 400 == 0:
                return True
            else:
                return False
        else:
            return True
    else:
        return False
