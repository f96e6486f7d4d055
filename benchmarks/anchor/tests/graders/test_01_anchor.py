"""Graders of the anchor assignment (benchmarks/anchor/solutions/01_anchor.ipynb).

One test per test expression of the shared assignment's TESTS (anchor_assignment.py),
with the same inputs and expectations, so that Zendo, nbgrader and otter-grader grade
the same thing: two public and two hidden tests per question, each worth a quarter of
the question's 2 points. The hidden ones are marked "hidden" below; Zendo shows every
check to the learner for now (hidden tests are another issue).
"""

from __future__ import annotations

from types import ModuleType

from zendo.grading import attempt, exercise, expect, show

# ---- q1: split_amount(total_cents, n) ----


@exercise("anchor.split_amount", title="Splits 100 cents three ways as [34, 33, 33]")
def test_split_100_three_ways(submission: ModuleType) -> None:
    got = submission.split_amount(100, 3)
    expect(
        got == [34, 33, 33],
        f"split_amount(100, 3) returned {show(got)}; expected [34, 33, 33].",
        hint="remainder",
    )


@exercise("anchor.split_amount", title="Keeps every cent of 1001 split seven ways")
def test_split_keeps_every_cent(submission: ModuleType) -> None:
    got = submission.split_amount(1001, 7)
    total = sum(got)
    expect(
        total == 1001,
        f"split_amount(1001, 7) returned {show(got)}, which adds up to {total}, not 1001.",
        hint="remainder",
    )


# hidden
@exercise("anchor.split_amount", title="Splits fewer cents than parts, ones first")
def test_split_fewer_cents_than_parts(submission: ModuleType) -> None:
    got = submission.split_amount(5, 10)
    expected = [1] * 5 + [0] * 5
    expect(
        got == expected,
        f"split_amount(5, 10) returned {show(got)}; expected {expected!r}.",
        hint="remainder",
    )


# hidden
@exercise("anchor.split_amount", title="Refuses zero parts with ValueError")
def test_split_refuses_zero_parts(submission: ModuleType) -> None:
    outcome = attempt(lambda: submission.split_amount(10, 0))
    expect(
        isinstance(outcome.error, ValueError),
        f"split_amount(10, 0) {outcome.describe()}; expected it to raise ValueError.",
        hint="positive_parts",
    )


# ---- q2: is_valid_isbn10(code) ----


@exercise("anchor.isbn10", title="Accepts the valid ISBN-10 0-306-40615-2")
def test_isbn_accepts_a_valid_code(submission: ModuleType) -> None:
    got = submission.is_valid_isbn10("0-306-40615-2")
    expect(
        got == True,  # noqa: E712 - the assignment's test is `== True`
        f"is_valid_isbn10('0-306-40615-2') returned {show(got)}; expected True.",
        hint="isbn_checksum",
    )


@exercise("anchor.isbn10", title="Refuses 0-306-40615-3, whose check digit is wrong")
def test_isbn_refuses_a_wrong_check_digit(submission: ModuleType) -> None:
    got = submission.is_valid_isbn10("0-306-40615-3")
    expect(
        got == False,  # noqa: E712 - the assignment's test is `== False`
        f"is_valid_isbn10('0-306-40615-3') returned {show(got)}; expected False.",
        hint="isbn_checksum",
    )


# hidden
@exercise("anchor.isbn10", title="Accepts X as the check digit, as in 080442957X")
def test_isbn_accepts_x_as_check_digit(submission: ModuleType) -> None:
    got = submission.is_valid_isbn10("080442957X")
    expect(
        got == True,  # noqa: E712 - the assignment's test is `== True`
        f"is_valid_isbn10('080442957X') returned {show(got)}; expected True.",
        hint="isbn_x",
    )


# hidden
@exercise("anchor.isbn10", title="Refuses codes that are too short or not digits")
def test_isbn_refuses_bad_shapes(submission: ModuleType) -> None:
    for code in ("12345", "abcdefghij"):
        got = submission.is_valid_isbn10(code)
        expect(
            got == False,  # noqa: E712 - the assignment's test is `== False`
            f"is_valid_isbn10({code!r}) returned {show(got)}; expected False.",
            hint="isbn_shape",
        )


# ---- q3: parse_duration(text) ----


@exercise("anchor.parse_duration", title="Reads 1h30m as 5400 seconds")
def test_duration_hours_and_minutes(submission: ModuleType) -> None:
    got = submission.parse_duration("1h30m")
    expect(
        got == 5400,
        f"parse_duration('1h30m') returned {show(got)}; expected 5400.",
        hint="duration_parts",
    )


@exercise("anchor.parse_duration", title="Reads 45s as 45 seconds")
def test_duration_seconds_only(submission: ModuleType) -> None:
    got = submission.parse_duration("45s")
    expect(
        got == 45,
        f"parse_duration('45s') returned {show(got)}; expected 45.",
        hint="duration_parts",
    )


# hidden
@exercise("anchor.parse_duration", title="Reads 2h 5s, with a space and no minutes, as 7205")
def test_duration_with_space_and_gap(submission: ModuleType) -> None:
    got = submission.parse_duration("2h 5s")
    expect(
        got == 7205,
        f"parse_duration('2h 5s') returned {show(got)}; expected 7205.",
        hint="duration_parts",
    )


# hidden
@exercise("anchor.parse_duration", title="Refuses 'abc' with ValueError")
def test_duration_refuses_garbage(submission: ModuleType) -> None:
    outcome = attempt(lambda: submission.parse_duration("abc"))
    expect(
        isinstance(outcome.error, ValueError),
        f"parse_duration('abc') {outcome.describe()}; expected it to raise ValueError.",
        hint="duration_garbage",
    )
