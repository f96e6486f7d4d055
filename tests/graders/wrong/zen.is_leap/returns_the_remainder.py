# exercise: zen.is_leap
# wrong: `year % 100 and ...` returns the int 0 for century years, not False
# caught-by: test_is_leap_returns_a_bool
# hint: return_bool
def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    return year % 400 == 0 or year % 100 and year % 4 == 0  # type: ignore[return-value]
