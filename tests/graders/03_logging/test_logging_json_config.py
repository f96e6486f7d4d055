"""v2 graders of logging.json_config: JSON lines, configured once.

A scenario in the sandbox (logging_rig.py) resets logging, calls the learner's
`configure_logging` with a real `io.StringIO`, logs through real loggers, and sends back
the text the learner's handler wrote. Every line is parsed and judged here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from logging_helpers import json_lines, outcome, printed_note
from logging_rig import rig

from zendo.judge import Learner, exercise, expect, fail

DEBUG, INFO, WARNING = 10, 20, 30


def one_run(learner: Learner, scenario: str) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    helper, module = rig(learner)
    observed = helper.call("json_config", module, scenario)
    got = outcome(observed)
    streams = got.get("streams")
    if type(streams) is not list or len(streams) != 1:
        fail("The grader's scenario could not read back the stream.")
    return json_lines(streams[0], "configure_logging(stream)"), got, observed.printed


def entry_of(lines: list[dict[str, Any]], what: str, printed: str, hint: str) -> dict[str, Any]:
    expect(
        len(lines) == 1,
        f"{what} wrote {len(lines)} lines to the stream, not 1{printed_note(printed)}.",
        hint=hint,
    )
    return lines[0]


@exercise("logging.json_config", title="Each line is a JSON object with ts, level, logger, message")
def test_json_line_fields(learner: Learner) -> None:
    lines, got, printed = one_run(learner, "fields")
    entry = entry_of(
        lines, 'getLogger("shop").info("order %s accepted", 17)', printed, "json_lines"
    )
    for key, want in (("level", "INFO"), ("logger", "shop")):
        expect(
            entry.get(key) == want, f"{key} is {entry.get(key)!r}, not {want!r}.", hint="json_lines"
        )
    expect(
        entry.get("message") == "order 17 accepted",
        f"message is {entry.get('message')!r}, not 'order 17 accepted'.",
        hint="merge_arguments",
    )
    stamp = entry.get("ts")
    if type(stamp) is not str:
        fail(f"ts is {stamp!r}, not an ISO 8601 string.", hint="utc_timestamp")
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        fail(f"ts {stamp!r} is not ISO 8601.", hint="utc_timestamp")
    offset = moment.utcoffset()
    expect(offset is not None, f"ts {stamp!r} has no UTC offset.", hint="utc_timestamp")
    expect(
        offset is not None and offset.total_seconds() == 0,
        f"ts {stamp!r} is not in UTC.",
        hint="utc_timestamp",
    )
    before, after = got.get("before"), got.get("after")
    expect(
        type(before) is float
        and type(after) is float
        and before - 1 <= moment.timestamp() <= after + 1,
        f"ts {stamp!r} is not the time the record was made.",
        hint="utc_timestamp",
    )


@exercise("logging.json_config", title="request_id comes from REQUEST_ID, record by record")
def test_request_id_from_context(learner: Learner) -> None:
    lines, _, _ = one_run(learner, "request_ids")
    ids = [entry.get("request_id") for entry in lines]
    want = ["req-a1", "req-b2", "req-a1", "req-b2", "-"]
    expect(
        ids == want,
        f"two concurrent requests and one record outside them wrote request_id {ids}, not {want}.",
        hint="request_id_per_record",
    )


@exercise("logging.json_config", title="Records below the level are not written, others are")
def test_level_is_respected(learner: Learner) -> None:
    helper, module = rig(learner)
    observed = helper.call("json_levels", module)
    streams = observed.value
    if type(streams) is not list or len(streams) != 2:
        fail("The grader's scenario could not read back the streams.")
    at_warning = [e.get("message") for e in json_lines(streams[0], "at WARNING")]
    expect(
        at_warning == ["wanted"],
        f"configured at WARNING, info('not wanted') then warning('wanted') wrote {at_warning}, "
        "not ['wanted'].",
        hint="level",
    )
    at_debug = [e.get("message") for e in json_lines(streams[1], "at DEBUG")]
    expect(
        at_debug == ["details"],
        f"configured again at DEBUG, debug('details') wrote {at_debug}, not ['details']"
        f"{printed_note(observed.printed)}.",
        hint="level",
    )


@exercise("logging.json_config", title="extra fields are top-level keys")
def test_extra_fields_are_top_level_keys(learner: Learner) -> None:
    lines, _, printed = one_run(learner, "extra")
    entry = entry_of(lines, "info('order stored', extra=...)", printed, "extra_fields")
    got = {key: entry.get(key) for key in ("order_id", "duration_ms")}
    expect(
        got == {"order_id": 17, "duration_ms": 4.5}
        and type(got["order_id"]) is int
        and type(got["duration_ms"]) is float,
        f"extra={{'order_id': 17, 'duration_ms': 4.5}} came out as {got}.",
        hint="extra_fields",
    )


@exercise("logging.json_config", title="A Decimal or a datetime is written as its str()")
def test_values_json_cannot_encode(learner: Learner) -> None:
    lines, _, printed = one_run(learner, "unencodable")
    entry = entry_of(
        lines, "a record with a Decimal and a datetime in extra", printed, "json_default"
    )
    got = (entry.get("amount"), entry.get("when"))
    want = ("19.99", "2027-01-15 08:00:00+00:00")
    expect(got == want, f"amount and when came out as {got}, not {want}.", hint="json_default")


@exercise("logging.json_config", title="logger.exception adds exc_type and traceback")
def test_exceptions_have_type_and_traceback(learner: Learner) -> None:
    lines, _, printed = one_run(learner, "exception")
    entry = entry_of(lines, "logger.exception(...)", printed, "exception_fields")
    expect(
        entry.get("exc_type") == "KeyError",
        f"exc_type is {entry.get('exc_type')!r}, not 'KeyError'.",
        hint="exception_fields",
    )
    trace = entry.get("traceback")
    expect(
        type(trace) is str
        and bool(trace.strip())
        and trace.strip().splitlines()[-1].startswith("KeyError"),
        f"traceback is {str(trace)[:80]!r}, not a traceback whose last line is the KeyError.",
        hint="exception_fields",
    )


@exercise("logging.json_config", title="Configured twice, each event is written once")
def test_configure_twice_writes_each_event_once(learner: Learner) -> None:
    helper, module = rig(learner)
    streams = helper.call("json_twice", module, True).value
    if type(streams) is not list or len(streams) != 2:
        fail("The grader's scenario could not read back the streams.")
    count = len(json_lines(streams[0], "after two calls"))
    expect(
        count == 1,
        f"configure_logging called twice with the same stream: one event wrote {count} lines, "
        "not 1.",
        hint="idempotent_config",
    )


@exercise("logging.json_config", title="The latest call's stream and level win")
def test_configure_again_moves_to_the_new_stream(learner: Learner) -> None:
    helper, module = rig(learner)
    streams = helper.call("json_twice", module, False).value
    if type(streams) is not list or len(streams) != 2:
        fail("The grader's scenario could not read back the streams.")
    counts = (len(json_lines(streams[0], "first stream")), len(json_lines(streams[1], "second")))
    expect(
        counts == (0, 1),
        f"configured on a first stream at INFO, then on a second at WARNING, one warning and "
        f"one info wrote {counts[0]} and {counts[1]} lines to them, not 0 and 1.",
        hint="latest_call_wins",
    )


@exercise("logging.json_config", title="Loggers made before the call keep logging")
def test_existing_loggers_keep_logging(learner: Learner) -> None:
    lines, _, _ = one_run(learner, "existing")
    messages = [entry.get("message") for entry in lines]
    expect(
        messages == ["still here"],
        f"a logger made before configure_logging wrote {messages}, not ['still here'].",
        hint="existing_loggers",
    )


@exercise("logging.json_config", title="Nothing is printed")
def test_nothing_printed(learner: Learner) -> None:
    lines, _, printed = one_run(learner, "quiet")
    expect(
        not printed,
        f"configuring and logging one record printed {printed[:200]!r}{printed_note(printed)}.",
        hint="no_print",
    )
    expect(len(lines) == 1, f"one record wrote {len(lines)} lines, not 1.", hint="json_lines")
