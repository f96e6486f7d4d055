# exercise: zen.is_leap
# wrong: a class and a rule table for a one-line calendar fact
# caught-by: test_is_leap_is_simple
# hint: kiss_budget
class DivisibleBy:
    def __init__(self, divisor: int, verdict: bool) -> None:
        self.divisor = divisor
        self.verdict = verdict

    def matches(self, year: int) -> bool:
        return year % self.divisor == 0


RULES = [DivisibleBy(400, True), DivisibleBy(100, False), DivisibleBy(4, True)]


def is_leap(year: int) -> bool:
    """True when `year` is a leap year in the Gregorian calendar."""
    verdicts = [rule.verdict for rule in RULES if rule.matches(year)]
    return verdicts[0] if verdicts else False
