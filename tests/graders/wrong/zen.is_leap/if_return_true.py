# exercise: zen.is_leap
# wrong: wraps the right condition in `if ...: return True` and `return False`
# caught-by: test_is_leap_is_simple
# hint: return_condition
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return True
    return False
