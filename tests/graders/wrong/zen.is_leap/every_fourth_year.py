# exercise: zen.is_leap
# wrong: forgets the century rule, so 1900 and 2100 count as leap years
# caught-by: test_is_leap_known_years
# hint: century_rule
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    return year % 4 == 0
