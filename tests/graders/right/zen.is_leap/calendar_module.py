# exercise: zen.is_leap
# right: delegates to the standard library's calendar.isleap instead of writing the rule
import calendar


def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    return calendar.isleap(year)
