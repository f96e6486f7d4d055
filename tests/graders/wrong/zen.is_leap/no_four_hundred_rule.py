# exercise: zen.is_leap
# wrong: knows the century rule but not its exception, so 2000 is not a leap year
# caught-by: test_is_leap_known_years
# hint: four_hundred
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    return year % 4 == 0 and year % 100 != 0
