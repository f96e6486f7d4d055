"""v2 graders of the anchor assignment's public tests (solutions/01_anchor.ipynb).

One test per public test expression of the shared assignment's TESTS
(anchor_assignment.py), with the same inputs and the same comparisons (`==`, as the
assignment writes them), so that Zendo, nbgrader and otter-grader grade the same thing.
Each question's two hidden tests are in `hidden/`: only `zendo grade` runs them, as the
incumbents run theirs only when the instructor grades. Every test is a quarter of its
question's 2 points. The learner's functions run in their sandbox; every comparison is
made here, on the values that came back.
"""

from __future__ import annotations

from zendo.judge import Learner, exercise, expect, show

# ---- q1: split_amount(total_cents, n) ----


@exercise("anchor.split_amount", title="Splits 100 cents three ways as [34, 33, 33]")
def test_split_100_three_ways(learner: Learner) -> None:
    got = learner.call("split_amount", 100, 3).value
    expect(
        got == [34, 33, 33],
        f"split_amount(100, 3) returned {show(got)}; expected [34, 33, 33].",
        hint="remainder",
    )


@exercise("anchor.split_amount", title="Keeps every cent of 1001 split seven ways")
def test_split_keeps_every_cent(learner: Learner) -> None:
    got = learner.call("split_amount", 1001, 7).value
    numbers = type(got) in (list, tuple) and all(type(share) is int for share in got)
    expect(
        numbers,
        f"split_amount(1001, 7) returned {show(got)}; expected a list of whole cents.",
        hint="remainder",
    )
    total = sum(got)
    expect(
        total == 1001,
        f"split_amount(1001, 7) returned {show(got)}, which adds up to {total}, not 1001.",
        hint="remainder",
    )


# ---- q2: is_valid_isbn10(code) ----


@exercise("anchor.isbn10", title="Accepts the valid ISBN-10 0-306-40615-2")
def test_isbn_accepts_a_valid_code(learner: Learner) -> None:
    got = learner.call("is_valid_isbn10", "0-306-40615-2").value
    expect(
        got == True,  # noqa: E712 - the assignment's test is `== True`
        f"is_valid_isbn10('0-306-40615-2') returned {show(got)}; expected True.",
        hint="isbn_checksum",
    )


@exercise("anchor.isbn10", title="Refuses 0-306-40615-3, whose check digit is wrong")
def test_isbn_refuses_a_wrong_check_digit(learner: Learner) -> None:
    got = learner.call("is_valid_isbn10", "0-306-40615-3").value
    expect(
        got == False,  # noqa: E712 - the assignment's test is `== False`
        f"is_valid_isbn10('0-306-40615-3') returned {show(got)}; expected False.",
        hint="isbn_checksum",
    )


# ---- q3: parse_duration(text) ----


@exercise("anchor.parse_duration", title="Reads 1h30m as 5400 seconds")
def test_duration_hours_and_minutes(learner: Learner) -> None:
    got = learner.call("parse_duration", "1h30m").value
    expect(
        got == 5400,
        f"parse_duration('1h30m') returned {show(got)}; expected 5400.",
        hint="duration_parts",
    )


@exercise("anchor.parse_duration", title="Reads 45s as 45 seconds")
def test_duration_seconds_only(learner: Learner) -> None:
    got = learner.call("parse_duration", "45s").value
    expect(
        got == 45,
        f"parse_duration('45s') returned {show(got)}; expected 45.",
        hint="duration_parts",
    )
