"""quality.ruff_clean, the behaviour checks: the cleaned-up functions do what they did.

The learner's functions run in the sandbox; every expected value, comparison and message
stays here. Objects the learner's code must receive that are not plain data (a value whose
conversion is interrupted by Ctrl-C, the caller's own list, a log recorder) are built in
the sandbox and named by handles; they hold no expected value.
"""

from __future__ import annotations

import json
import logging

from quality_helpers import done

from zendo.judge import Learner, Observation, capture_logs, exercise, expect, fail, show


@exercise("quality.ruff_clean", title="add_tag gives every call its own list")
def test_ruff_clean_add_tag_gives_each_call_a_new_list(learner: Learner) -> None:
    first = done(learner.call("add_tag", "gift"))
    if (
        first.raised is not None
        and first.raised.is_a(AttributeError)
        and "NoneType" in first.raised.message
    ):
        fail(
            f"add_tag('gift') {first.describe()}; expected ['gift']. With `tags=None` as the "
            "default, the function must make a new list itself when no list is given.",
            hint="none_default",
        )
    expect(
        first.ok and first.returned == ["gift"] and type(first.returned) is list,
        f"add_tag('gift') {first.describe()}; expected ['gift'].",
        hint="keep_behaviour",
    )
    second = done(learner.call("add_tag", "fragile"))
    expect(
        second.ok and second.returned == ["fragile"] and type(second.returned) is list,
        f"add_tag('gift') then add_tag('fragile'): the second call {second.describe()}; "
        "expected ['fragile']. Each call without a list must start from a new, empty one.",
        hint="shared_default",
    )
    outcome, returned_it, tags = add_to_callers_list(learner, "fragile", ["gift"])
    expect(
        returned_it and type(tags) is list and tags == ["gift", "fragile"],
        f"add_tag('fragile', tags) with tags = ['gift'] {outcome.describe()} and left tags "
        f"as {show(tags)}; expected it to append to the caller's list and return that list.",
        hint="keep_behaviour",
    )
    outcome, returned_it, tags = add_to_callers_list(learner, "gift", [])
    expect(
        returned_it and type(tags) is list and tags == ["gift"],
        f"add_tag('gift', tags) with tags = [] {outcome.describe()} and left tags as "
        f"{show(tags)}; expected ['gift'] in the caller's own list, as the original did. "
        "An empty list is false, but it is not None.",
        hint="falsy_default",
    )


def add_to_callers_list(
    learner: Learner, tag: str, given: list[str]
) -> tuple[Observation, bool, object]:
    """Call add_tag(tag, tags) with a list of the caller's, made in the sandbox.

    Returns the call's observation, whether it returned that very list, and the list's
    contents afterwards as exact data.
    """
    tags = learner.stdlib("builtins").keep("list", given).handle
    outcome = done(learner.keep("add_tag", tag, tags))
    returned_it = outcome.ok and learner.op("is", outcome.returned, tags).returned is True
    after = learner.op("value", tags).value
    return outcome, returned_it, after


# Sent into the sandbox: an argument whose conversion to int is interrupted, as if the
# user pressed Ctrl-C. It holds no expected value.
PRESSES_CTRL_C = '''\
class PressesCtrlC:
    """An argument whose conversion to int is interrupted, as if the user pressed Ctrl-C."""

    def __int__(self):
        raise KeyboardInterrupt

    def __repr__(self):
        return "<a value whose conversion is interrupted by Ctrl-C>"
'''


def check_parse_quantity(learner: Learner) -> None:
    for text, expected in [("3", 3), (" 12 ", 12), ("-2", -2), ("x", None), ("", None)]:
        outcome = done(learner.call("parse_quantity", text))
        expect(
            outcome.ok,
            f"parse_quantity({text!r}) {outcome.describe()}; the original returned {expected!r}.",
            hint="catch_what_you_expect",
        )
        expect(
            type(outcome.returned) is type(expected) and outcome.returned == expected,
            f"parse_quantity({text!r}) {outcome.describe()}; expected {expected!r}.",
            hint="keep_behaviour",
        )
    interrupted = learner.define("quality_ctrl_c", PRESSES_CTRL_C).keep("PressesCtrlC").handle
    outcome = done(learner.call("parse_quantity", interrupted))
    if outcome.raised is not None and outcome.raised.is_a(KeyboardInterrupt):
        return
    fail(
        f"parse_quantity() on a value whose conversion is interrupted by Ctrl-C "
        f"{outcome.describe()}; expected the KeyboardInterrupt to go through. A bare "
        "`except:` swallows it, and then the user cannot stop the program.",
        hint="catch_what_you_expect",
    )


def check_is_paid(learner: Learner) -> None:
    for paid, expected in [(1, True), (0, False), (True, True), (False, False)]:
        outcome = done(learner.call("is_paid", {"paid": paid}))
        shown = f"is_paid({{'paid': {paid!r}}})"
        got = outcome.returned
        if outcome.ok and got == expected and got is not expected:
            fail(
                f"{shown} {outcome.describe()} (of type {type(got).__name__}); expected "
                f"{expected}. The original `== True` gave a bool; returning the raw flag "
                "is what ruff's unsafe fix for E712 does.",
                hint="unsafe_fix",
            )
        expect(
            outcome.ok and got is expected,
            f"{shown} {outcome.describe()}; expected {expected}.",
            hint="keep_behaviour",
        )


def check_describe(learner: Learner) -> None:
    for order, expected in [
        ({"sku": "A-1", "quantity": 2}, "A-1 x 2"),
        ({"sku": "B-7", "quantity": 10, "coupon": "SPRING"}, "B-7 x 10 (coupon SPRING)"),
        ({"sku": "C-3", "quantity": 1, "coupon": None}, "C-3 x 1"),
    ]:
        outcome = done(learner.call("describe", dict(order)))
        expect(
            outcome.ok and type(outcome.returned) is str and outcome.returned == expected,
            f"describe({order!r}) {outcome.describe()}; expected {expected!r}.",
            hint="keep_behaviour",
        )


@exercise("quality.ruff_clean", title="The fixed functions still behave as before")
def test_ruff_clean_functions_keep_behaviour(learner: Learner) -> None:
    check_is_paid(learner)
    check_describe(learner)
    check_parse_quantity(learner)


@exercise("quality.ruff_clean", title="ship returns the same JSON and logs with arguments")
def test_ruff_clean_ship_logs_with_arguments(learner: Learner) -> None:
    logs = capture_logs(learner, logging.DEBUG)
    outcome = done(learner.call("ship", 42))
    expected = {"order": 42, "status": "shipped"}
    text = outcome.returned if outcome.ok else None
    try:
        parsed = json.loads(text) if type(text) is str else None
    except json.JSONDecodeError:
        parsed = None
    expect(
        parsed == expected,
        f"ship(42) {outcome.describe()}; expected the JSON text of {expected!r}.",
        hint="keep_behaviour",
    )
    records = [entry for entry in logs.entries() if entry.level == logging.INFO]
    messages = [entry.message for entry in records]
    expect(
        messages == ["shipping order 42"],
        f"ship(42) logged {show(messages)} at INFO; expected one record, "
        "'shipping order 42', as before.",
        hint="keep_behaviour",
    )
    record = records[0]
    expect(
        record.has_args and record.template != record.message,
        f"ship(42) logged the ready-made text {record.template!r}; expected a constant "
        "message with a %s placeholder and the order id as an argument.",
        hint="lazy_logging",
    )
