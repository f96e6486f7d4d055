"""Graders of zen.is_leap: the calendar rule, a real bool, and a simple shape.

The rule is stated here, on the trusted side (`leap_truth`); the learner's `is_leap` is
called in its sandbox and only its answers come back. The known years run first, each
naming the part of the rule it tests, so most wrong answers fail there, before the
property searches any year.
"""

from __future__ import annotations

from hypothesis import strategies as st
from zen_helpers import check_kiss

from zendo.judge import Learner, Submitted, a_kind, exercise, expect, fail, property_test, show

KNOWN_YEARS = [2024, 2023, 1996, 1, 4, 1900, 2100, 1800, 2000, 1600, 2400]


def leap_truth(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def check_year(learner: Learner, year: int) -> object:
    """is_leap(year) must equal the calendar's answer; the failure names the rule it broke.

    Equal, not identical: `0` for a common year passes here, and the bool check below
    says what is wrong with it.
    """
    expected = leap_truth(year)
    got = learner.call("is_leap", year).value
    if got == expected:
        return got
    message = f"is_leap({year}) returned {show(got)}; expected {expected}"
    if year % 400 == 0:
        fail(message + f": {year} is divisible by 400, so it is a leap year.", hint="four_hundred")
    if year % 100 == 0:
        fail(
            message + f": {year} is a century year not divisible by 400, so it is not a leap year.",
            hint="century_rule",
        )
    fail(message + ".", hint="every_fourth_year")


@exercise("zen.is_leap", title="Known leap and common years")
def test_is_leap_known_years(learner: Learner) -> None:
    for year in KNOWN_YEARS:
        check_year(learner, year)


# Half the years drawn are century years, where the rule has its two exceptions: a small
# budget then still tries many of them (plain random years are rarely centuries).
YEARS = st.integers(min_value=1, max_value=9999) | st.integers(1, 99).map(lambda c: 100 * c)


@exercise("zen.is_leap", title="Agrees with the calendar for any year")
@property_test("quick", year=YEARS)
def test_is_leap_agrees_with_the_calendar(learner: Learner, year: int) -> None:
    check_year(learner, year)


@exercise("zen.is_leap", title="Returns True or False, not a number")
def test_is_leap_returns_a_bool(learner: Learner) -> None:
    for year in [2024, 2023, 1900, 2000]:
        got = learner.call("is_leap", year).value
        expect(
            type(got) is bool,
            f"is_leap({year}) returned {show(got)}, {a_kind(got)}; expected "
            f"{leap_truth(year)}, a bool.",
            hint="return_bool",
        )


@exercise("zen.is_leap", title="Simple: one plain rule, no class")
def test_is_leap_is_simple(learner: Learner, submitted: Submitted) -> None:
    learner.call("is_leap", 2000).value  # noqa: B018 - not done yet fails here, before the style checks
    check_kiss(submitted, "is_leap")
