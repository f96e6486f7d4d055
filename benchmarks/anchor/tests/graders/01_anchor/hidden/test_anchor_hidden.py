"""v2 graders of the anchor assignment's hidden tests: only the instructor's batch runs them.

The shared assignment's two hidden test expressions per question (anchor_assignment.py),
with the same inputs and comparisons. In every report they keep only their status and
weight (`hidden-N`, "Hidden check"), as nbgrader and otter-grader keep theirs from the
learner; a failing one costs a quarter of its question's 2 points.
"""

from __future__ import annotations

from zendo.judge import Learner, exercise, expect, show

# ---- q1: split_amount(total_cents, n) ----


@exercise("anchor.split_amount", title="Splits fewer cents than parts, ones first")
def test_split_fewer_cents_than_parts(learner: Learner) -> None:
    got = learner.call("split_amount", 5, 10).value
    expected = [1] * 5 + [0] * 5
    expect(
        got == expected,
        f"split_amount(5, 10) returned {show(got)}; expected {expected!r}.",
        hint="remainder",
    )


@exercise("anchor.split_amount", title="Refuses zero parts with ValueError")
def test_split_refuses_zero_parts(learner: Learner) -> None:
    observed = learner.call("split_amount", 10, 0)
    expect(
        observed.raised is not None and observed.raised.is_a(ValueError),
        f"split_amount(10, 0) {observed.describe()}; expected it to raise ValueError.",
        hint="positive_parts",
    )


# ---- q2: is_valid_isbn10(code) ----


@exercise("anchor.isbn10", title="Accepts X as the check digit, as in 080442957X")
def test_isbn_accepts_x_as_check_digit(learner: Learner) -> None:
    got = learner.call("is_valid_isbn10", "080442957X").value
    expect(
        got == True,  # noqa: E712 - the assignment's test is `== True`
        f"is_valid_isbn10('080442957X') returned {show(got)}; expected True.",
        hint="isbn_x",
    )


@exercise("anchor.isbn10", title="Refuses codes that are too short or not digits")
def test_isbn_refuses_bad_shapes(learner: Learner) -> None:
    for code in ("12345", "abcdefghij"):
        got = learner.call("is_valid_isbn10", code).value
        expect(
            got == False,  # noqa: E712 - the assignment's test is `== False`
            f"is_valid_isbn10({code!r}) returned {show(got)}; expected False.",
            hint="isbn_shape",
        )


# ---- q3: parse_duration(text) ----


@exercise("anchor.parse_duration", title="Reads 2h 5s, with a space and no minutes, as 7205")
def test_duration_with_space_and_gap(learner: Learner) -> None:
    got = learner.call("parse_duration", "2h 5s").value
    expect(
        got == 7205,
        f"parse_duration('2h 5s') returned {show(got)}; expected 7205.",
        hint="duration_parts",
    )


@exercise("anchor.parse_duration", title="Refuses 'abc' with ValueError")
def test_duration_refuses_garbage(learner: Learner) -> None:
    observed = learner.call("parse_duration", "abc")
    expect(
        observed.raised is not None and observed.raised.is_a(ValueError),
        f"parse_duration('abc') {observed.describe()}; expected it to raise ValueError.",
        hint="duration_garbage",
    )
