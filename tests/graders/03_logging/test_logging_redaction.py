"""v2 graders of logging.redaction: no e-mail address or secret reaches any handler.

The scenario (logging_rig.py) gives the logger `shop` three real handlers before the
learner's `install_redaction(shop)`: a text StreamHandler, a JSON StreamHandler that
formats `exc_info` itself when it is set (as JSON libraries do), and a keeper that
snapshots each record inside `emit`. The sentinel addresses and secrets are payloads
sent in; the judge searches everything that came out for them, and compares the
surviving text with what it expects.
"""

from __future__ import annotations

from typing import Any

from logging_helpers import (
    OTHER_EMAIL,
    SENTINEL_EMAIL,
    SENTINEL_PASSWORD,
    SENTINEL_TOKEN,
    leaks,
    logging_error,
    outcome,
    seen_records,
)
from logging_rig import rig

from zendo.judge import Learner, exercise, expect, fail

INFO, WARNING = 20, 30
CHILD = "checkout.payments"  # shop.checkout.payments


def call(
    suffix: str,
    level: int,
    message: object,
    *args: object,
    extra: dict[str, object] | None = None,
    error: str | None = None,
) -> list[object]:
    """One logging call for the scenario: on shop (suffix "") or a logger below it."""
    return [suffix, level, message, list(args), extra, error]


class Written:
    """What the three handlers wrote and received for a list of calls."""

    def __init__(self, learner: Learner, calls: list[list[object]], hint: str) -> None:
        helper, module = rig(learner)
        observed = helper.call("redaction", module, calls)
        got = outcome(observed)
        self.printed = observed.printed
        text, json_text, raised = got.get("text"), got.get("json"), got.get("raised")
        if type(text) is not str or type(json_text) is not str or type(raised) is not list:
            fail("The grader's scenario could not read back what the handlers wrote.")
        self.text: str = text
        self.json: str = json_text
        self.seen: list[dict[str, Any]] = seen_records(got.get("seen"))
        if raised:
            fail(
                f"A logging call raised {raised[0]} after install_redaction: a filter that "
                "raises makes the caller's logging call fail.",
                hint=hint,
            )

    def leaked(self) -> list[str]:
        snapshots = [
            (s.get("message"), s.get("args"), s.get("extras"), s.get("exc_text")) for s in self.seen
        ]
        exc_info = [s.get("exc_info_text") for s in self.seen]
        return leaks(self.text, self.json, repr(snapshots), *exc_info)


@exercise("logging.redaction", title="An address passed as a %s argument is redacted")
def test_message_arguments_are_redacted(learner: Learner) -> None:
    written = Written(
        learner, [call("", INFO, "receipt sent to %s", SENTINEL_EMAIL)], "redact_arguments"
    )
    expect(
        not written.leaked(),
        f'shop.info("receipt sent to %s", {SENTINEL_EMAIL!r}) reached a handler with '
        f"{written.leaked()} in it.",
        hint="redact_arguments",
    )
    expect(
        "receipt sent to [email]" in written.text,
        f"the text handler wrote {written.text!r}; expected 'receipt sent to [email]' in it.",
        hint="redact_arguments",
    )


@exercise("logging.redaction", title="Records of child loggers are redacted too")
def test_child_records_are_redacted(learner: Learner) -> None:
    calls = [
        call(CHILD, INFO, "receipt sent to %s", SENTINEL_EMAIL),
        call("accounts", WARNING, "contact %s", OTHER_EMAIL),
    ]
    written = Written(learner, calls, "handler_not_logger")
    expect(
        not written.leaked(),
        "records logged on shop.checkout.payments and shop.accounts reached shop's handlers "
        f"with {written.leaked()} in them.",
        hint="handler_not_logger",
    )
    expect(
        "receipt sent to [email]" in written.text,
        f"the text handler wrote {written.text!r}; expected 'receipt sent to [email]' in it.",
        hint="handler_not_logger",
    )


@exercise("logging.redaction", title="Dict arguments are redacted by key")
def test_dict_arguments_are_redacted(learner: Learner) -> None:
    calls = [
        call(
            CHILD,
            INFO,
            "signup payload %s",
            {"email": SENTINEL_EMAIL, "password": SENTINEL_PASSWORD, "plan": "pro"},
        ),
        call(
            CHILD,
            INFO,
            "%(user)s signed up with %(password)s",
            {"user": "u-42", "password": SENTINEL_PASSWORD},
        ),
    ]
    written = Written(learner, calls, "dict_arguments")
    expect(
        not written.leaked(),
        f"values of a dict argument reached a handler: {written.leaked()}.",
        hint="dict_arguments",
    )
    expect(
        "'plan': 'pro'" in written.text,
        f"the dict's other values were lost: the text handler wrote {written.text!r}.",
        hint="dict_arguments",
    )
    expect(
        "u-42 signed up with [redacted]" in written.text,
        f"the %(user)s template came out as {written.text!r}; expected "
        "'u-42 signed up with [redacted]'.",
        hint="dict_arguments",
    )


@exercise("logging.redaction", title="Sensitive extra fields are redacted, others kept")
def test_extra_fields_are_redacted(learner: Learner) -> None:
    extra = {"token": SENTINEL_TOKEN, "user_id": 42, "contact": f"mail {SENTINEL_EMAIL}"}
    written = Written(
        learner, [call(CHILD, INFO, "token refreshed", extra=extra)], "extra_fields_pii"
    )
    expect(
        not written.leaked(),
        f"extra fields reached a handler unredacted: {written.leaked()}.",
        hint="extra_fields_pii",
    )
    extras = written.seen[-1]["extras"] if written.seen else {}
    want = {"token": "[redacted]", "user_id": 42, "contact": "mail [email]"}
    got = {key: extras.get(key) for key in want}
    expect(
        got == want and type(got["user_id"]) is int,
        f"the extra fields as a handler received them: {got}, not {want}.",
        hint="extra_fields_pii",
    )


@exercise("logging.redaction", title="Exception text is redacted, the traceback kept")
def test_exception_text_is_redacted(learner: Learner) -> None:
    calls = [call(CHILD, INFO, "login failed", error=f"no account for {SENTINEL_EMAIL}")]
    written = Written(learner, calls, "exception_text")
    expect(
        not written.leaked(),
        "logger.exception after ValueError('no account for <address>') reached a handler with "
        f"{written.leaked()} in it (the JSON handler formats record.exc_info when it is set).",
        hint="exception_text",
    )
    expect(
        "login failed" in written.text and "ValueError: no account for [email]" in written.text,
        f"the traceback should survive, redacted: the text handler wrote {written.text[-200:]!r}.",
        hint="exception_text",
    )


@exercise("logging.redaction", title="Every record survives, with its level, logger and words")
def test_records_survive_redaction(learner: Learner) -> None:
    calls = [
        call(CHILD, INFO, "receipt sent to %s", SENTINEL_EMAIL),
        call(CHILD, INFO, "token refreshed", extra={"token": SENTINEL_TOKEN, "user_id": 42}),
        call(CHILD, INFO, "%d items in cart", 3),
        call(CHILD, INFO, 42),
        call("", WARNING, "payment declined for order %s", "A-17"),
    ]
    written = Written(learner, calls, "keep_the_record")
    kept = [(s.get("level"), s.get("name"), s.get("message")) for s in written.seen]
    child = f"shop.{CHILD}"
    want = [
        ("INFO", child, "receipt sent to [email]"),
        ("INFO", child, "token refreshed"),
        ("INFO", child, "3 items in cart"),
        ("INFO", child, "42"),
        ("WARNING", "shop", "payment declined for order A-17"),
    ]
    expect(
        kept == want,
        f"five logging calls; the records a handler received: {kept}, not {want}.",
        hint="keep_the_record",
    )
    error = logging_error(written.printed)
    expect(not error, f"logging reported an error: {error!r}.", hint="keep_the_record")
