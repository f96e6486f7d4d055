"""Throwaway checks for the logging exercise drafts: do the answers behave as claimed?

Not the graders. The graders are written on Grading v2's API (see graders.md); this script
only proves, before they exist, that the reference solutions, the right answers and the
untouched starters pass or fail as the drafts say, and that every known wrong answer fails
the check named in its `# caught-by:` line with the hint named in its `# hint:` line.

Each answer runs in a fresh Python process (logging is global state), as the setup cell
followed by the answer, with real loggers, real handlers and real records. The checks are
named like the grader tests graders.md proposes, and test the same observations.

Usage, from the repository root:
    .venv/bin/python drafts/03_logging/check_drafts.py      # everything; exit 1 on a surprise
    .venv/bin/python drafts/03_logging/check_drafts.py -v   # also each check's message
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import io
import json
import logging
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SOLUTIONS = HERE / "solutions.ipynb"
SENTINEL_EMAIL = "alice.sentinel@example.com"
SENTINEL_PASSWORD = "pw-SENTINEL-123"  # noqa: S105 - a marker to search for, not a secret
SENTINEL_TOKEN = "tok_SENTINEL"  # noqa: S105 - a marker to search for, not a secret
SENTINELS = (SENTINEL_EMAIL, SENTINEL_PASSWORD, SENTINEL_TOKEN, "bob.sentinel@example.org")


class CheckFailedError(Exception):
    """A check failed: a message for the learner and the hint id a grader would name."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def expect(condition: object, message: str, hint: str) -> None:
    if not condition:
        raise CheckFailedError(message, hint)


# --------------------------------------------------------------------------------------
# Shared tools: fresh logging state, captured output, handlers that keep what they saw


def fresh_logging() -> None:
    """Put the logging module back as a new process has it."""
    logging.setLogRecordFactory(logging.LogRecord)
    root = logging.getLogger()
    for logger in [root, *logging.Logger.manager.loggerDict.values()]:
        if isinstance(logger, logging.Logger):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            for log_filter in list(logger.filters):
                logger.removeFilter(log_filter)
            logger.setLevel(logging.NOTSET)
            logger.disabled = False
            logger.propagate = True
    root.setLevel(logging.WARNING)


@contextlib.contextmanager
def quiet(printed: dict[str, str]) -> Iterator[None]:
    """Capture what the code under test prints, including logging's own error reports."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield
    printed["stdout"] = printed.get("stdout", "") + out.getvalue()
    printed["stderr"] = printed.get("stderr", "") + err.getvalue()


def extras_of(record: logging.LogRecord, module: ModuleType) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in module.STANDARD_ATTRIBUTES}


@dataclass
class Seen:
    """A record as one handler saw it when it was written, as plain data."""

    level: str
    name: str
    message: str
    args: str
    extras: dict[str, Any]
    exc_text: str
    exc_info_text: str
    has_exc_info: bool


class Keeper(logging.Handler):
    """A handler that keeps a plain-data snapshot of each record it writes."""

    def __init__(self, module: ModuleType) -> None:
        super().__init__(logging.DEBUG)
        self.module = module
        self.seen: list[Seen] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc_info_text = ""
        if record.exc_info and record.exc_info[0] is not None:
            exc_info_text = logging.Formatter().formatException(record.exc_info)
        self.seen.append(
            Seen(
                level=record.levelname,
                name=record.name,
                message=record.getMessage(),
                args=repr(record.args),
                extras=extras_of(record, self.module),
                exc_text=record.exc_text or "",
                exc_info_text=exc_info_text,
                has_exc_info=bool(record.exc_info and record.exc_info[0] is not None),
            )
        )


class GraderJson(logging.Formatter):
    """A JSON formatter like many libraries': it formats exc_info itself when it is set."""

    def __init__(self, module: ModuleType) -> None:
        super().__init__()
        self.module = module

    def format(self, record: logging.LogRecord) -> str:
        entry = {"message": record.getMessage(), **extras_of(record, self.module)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=repr)


# --------------------------------------------------------------------------------------
# logging.json_config


def configure(module: ModuleType, stream: io.StringIO, level: int, printed: dict[str, str]) -> None:
    with quiet(printed):
        module.configure_logging(stream, level)


def json_lines(stream: io.StringIO, what: str) -> list[dict[str, Any]]:
    lines = stream.getvalue().splitlines()
    parsed = []
    for line in lines:
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise CheckFailedError(
                f"{what}: this line is not JSON: {line[:120]!r}", "json_lines"
            ) from None
        expect(isinstance(entry, dict), f"{what}: a line is JSON but not an object", "json_lines")
        parsed.append(entry)
    return parsed


def test_json_line_fields(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    before = time.time()
    with quiet(printed):
        logging.getLogger("shop").info("order %s accepted", 17)
    after = time.time()
    lines = json_lines(stream, "logging one INFO record")
    expect(len(lines) == 1, f"one INFO record wrote {len(lines)} lines, not 1", "json_lines")
    entry = lines[0]
    expect(
        entry.get("level") == "INFO", f"level is {entry.get('level')!r}, not 'INFO'", "json_lines"
    )
    expect(
        entry.get("logger") == "shop",
        f"logger is {entry.get('logger')!r}, not 'shop'",
        "json_lines",
    )
    expect(
        entry.get("message") == "order 17 accepted",
        f"message is {entry.get('message')!r}, not 'order 17 accepted'",
        "merge_arguments",
    )
    stamp = entry.get("ts")
    expect(isinstance(stamp, str), f"ts is {stamp!r}, not an ISO 8601 string", "utc_timestamp")
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        raise CheckFailedError(f"ts {stamp!r} is not ISO 8601", "utc_timestamp") from None
    expect(moment.utcoffset() is not None, f"ts {stamp!r} has no UTC offset", "utc_timestamp")
    expect(moment.utcoffset().total_seconds() == 0, f"ts {stamp!r} is not in UTC", "utc_timestamp")
    expect(
        before - 1 <= moment.timestamp() <= after + 1,
        f"ts {stamp!r} is not the time the record was made",
        "utc_timestamp",
    )


def test_request_id_from_context(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    api = logging.getLogger("api")

    async def request(request_id: str) -> None:
        module.REQUEST_ID.set(request_id)
        api.info("request started")
        await asyncio.sleep(0)
        api.info("request finished")

    async def both() -> None:
        await asyncio.gather(request("req-a1"), request("req-b2"))

    with quiet(printed):
        asyncio.run(both())
        api.info("outside any request")
    ids = [entry.get("request_id") for entry in json_lines(stream, "two requests")]
    expect(
        ids == ["req-a1", "req-b2", "req-a1", "req-b2", "-"],
        f"request_id of the five lines: {ids}, not ['req-a1', 'req-b2', 'req-a1', 'req-b2', '-']",
        "request_id_per_record",
    )


def test_level_is_respected(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.WARNING, printed)
    with quiet(printed):
        logging.getLogger("shop").info("not wanted")
        logging.getLogger("shop").warning("wanted")
    messages = [entry.get("message") for entry in json_lines(stream, "level WARNING")]
    expect(messages == ["wanted"], f"at WARNING, lines written: {messages}", "level")
    stream = io.StringIO()
    configure(module, stream, logging.DEBUG, printed)
    with quiet(printed):
        logging.getLogger("shop").debug("details")
    messages = [entry.get("message") for entry in json_lines(stream, "level DEBUG")]
    expect(messages == ["details"], f"at DEBUG, lines written: {messages}", "level")


def test_extra_fields_are_top_level_keys(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    with quiet(printed):
        logging.getLogger("shop").info("order stored", extra={"order_id": 17, "duration_ms": 4.5})
    [entry] = json_lines(stream, "one record with extra") or [{}]
    got = {key: entry.get(key) for key in ("order_id", "duration_ms")}
    expect(
        got == {"order_id": 17, "duration_ms": 4.5},
        f"extra fields came out as {got}",
        "extra_fields",
    )


def test_values_json_cannot_encode(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    when = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    with quiet(printed):
        logging.getLogger("shop").info(
            "refund issued", extra={"amount": Decimal("19.99"), "when": when}
        )
    lines = json_lines(stream, "a Decimal and a datetime in extra")
    expect(
        len(lines) == 1,
        f"a record with a Decimal field wrote {len(lines)} lines; standard error got "
        f"{printed.get('stderr', '')[:80]!r}",
        "json_default",
    )
    got = (lines[0].get("amount"), lines[0].get("when"))
    expect(got == ("19.99", str(when)), f"amount and when came out as {got}", "json_default")


def test_exceptions_have_type_and_traceback(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    with quiet(printed):
        try:
            {"EUR": 2}["XYZ"]
        except KeyError:
            logging.getLogger("shop").exception("currency lookup failed")
    [entry] = json_lines(stream, "logger.exception") or [{}]
    expect(
        entry.get("exc_type") == "KeyError",
        f"exc_type is {entry.get('exc_type')!r}",
        "exception_fields",
    )
    trace = entry.get("traceback")
    expect(
        isinstance(trace, str) and trace.strip().splitlines()[-1].startswith("KeyError"),
        f"traceback is {str(trace)[:80]!r}, not a traceback ending with the KeyError",
        "exception_fields",
    )


def test_configure_twice_writes_each_event_once(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    configure(module, stream, logging.INFO, printed)
    with quiet(printed):
        logging.getLogger("shop").info("job done")
    count = len(json_lines(stream, "after two calls"))
    expect(count == 1, f"after two calls, one event wrote {count} lines", "idempotent_config")


def test_configure_again_moves_to_the_new_stream(module: ModuleType) -> None:
    first, second, printed = io.StringIO(), io.StringIO(), {}
    configure(module, first, logging.INFO, printed)
    configure(module, second, logging.WARNING, printed)
    with quiet(printed):
        logging.getLogger("shop").warning("stock low")
        logging.getLogger("shop").info("below the new level")
    counts = (len(json_lines(first, "first stream")), len(json_lines(second, "second stream")))
    expect(
        counts == (0, 1),
        f"lines in the first and second stream: {counts}, not (0, 1)",
        "latest_call_wins",
    )


def test_existing_loggers_keep_logging(module: ModuleType) -> None:
    early = logging.getLogger("shop.early")  # made before configuration, like at import time
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    with quiet(printed):
        early.info("still here")
    messages = [entry.get("message") for entry in json_lines(stream, "an earlier logger")]
    expect(
        messages == ["still here"],
        f"a logger made before the call wrote {messages}",
        "existing_loggers",
    )


def test_nothing_printed_json(module: ModuleType) -> None:
    stream, printed = io.StringIO(), {}
    configure(module, stream, logging.INFO, printed)
    with quiet(printed):
        logging.getLogger("shop").info("order %s accepted", 17, extra={"amount": Decimal("1")})
    expect(not printed["stdout"] and not printed["stderr"], f"printed: {printed}", "no_print")


# --------------------------------------------------------------------------------------
# logging.redaction


@dataclass
class RedactionRig:
    shop: logging.Logger
    child: logging.Logger
    text: io.StringIO
    json: io.StringIO
    keeper: Keeper
    printed: dict[str, str]

    def outputs(self) -> str:
        seen = [
            f"{s.message}|{s.args}|{s.extras!r}|{s.exc_text}|{s.exc_info_text}"
            for s in self.keeper.seen
        ]
        return "\n".join([self.text.getvalue(), self.json.getvalue(), *seen])

    def leaks(self) -> list[str]:
        everything = self.outputs()
        return [sentinel for sentinel in SENTINELS if sentinel in everything]


def redaction_rig(module: ModuleType) -> RedactionRig:
    shop = logging.getLogger("shop")
    shop.setLevel(logging.DEBUG)
    shop.propagate = False
    text, json_stream = io.StringIO(), io.StringIO()
    text_handler = logging.StreamHandler(text)
    text_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    json_handler = logging.StreamHandler(json_stream)
    json_handler.setFormatter(GraderJson(module))
    keeper = Keeper(module)
    for handler in (text_handler, json_handler, keeper):
        shop.addHandler(handler)
    printed: dict[str, str] = {}
    with quiet(printed):
        module.install_redaction(shop)
    return RedactionRig(
        shop, shop.getChild("checkout.payments"), text, json_stream, keeper, printed
    )


def logged(rig: RedactionRig, call: Callable[[], None], what: str, hint: str) -> None:
    try:
        with quiet(rig.printed):
            call()
    except Exception as error:  # the learner's filter raised inside the logging call
        raise CheckFailedError(f"{what} raised {type(error).__name__}: {error}", hint) from None


def test_message_arguments_are_redacted(module: ModuleType) -> None:
    rig = redaction_rig(module)
    logged(
        rig,
        lambda: rig.shop.info("receipt sent to %s", SENTINEL_EMAIL),
        "info(%s)",
        "redact_arguments",
    )
    expect(
        not rig.leaks(),
        f"an address passed as a %s argument reached a handler: {rig.leaks()}",
        "redact_arguments",
    )
    expect(
        "receipt sent to [email]" in rig.text.getvalue(),
        f"text handler wrote {rig.text.getvalue()!r}",
        "redact_arguments",
    )


def test_child_records_are_redacted(module: ModuleType) -> None:
    rig = redaction_rig(module)
    logged(
        rig,
        lambda: rig.child.info("receipt sent to %s", SENTINEL_EMAIL),
        "child info",
        "handler_not_logger",
    )
    rig.shop.getChild("accounts").warning("contact %s", "bob.sentinel@example.org")
    expect(
        not rig.leaks(),
        f"records of child loggers reached a handler unredacted: {rig.leaks()}",
        "handler_not_logger",
    )
    expect(
        "receipt sent to [email]" in rig.text.getvalue(),
        f"text handler wrote {rig.text.getvalue()!r}",
        "handler_not_logger",
    )


def test_dict_arguments_are_redacted(module: ModuleType) -> None:
    rig = redaction_rig(module)
    payload = {"email": SENTINEL_EMAIL, "password": SENTINEL_PASSWORD, "plan": "pro"}
    logged(
        rig,
        lambda: rig.child.info("signup payload %s", payload),
        "info with a dict",
        "dict_arguments",
    )
    logged(
        rig,
        lambda: rig.child.info(
            "%(user)s signed up with %(password)s", {"user": "u-42", "password": SENTINEL_PASSWORD}
        ),
        "info with a %(key)s template",
        "dict_arguments",
    )
    text = rig.text.getvalue()
    expect(
        not rig.leaks(),
        f"values of a dict argument reached a handler: {rig.leaks()}",
        "dict_arguments",
    )
    expect(
        "'plan': 'pro'" in text, f"the dict's other values were lost: {text!r}", "dict_arguments"
    )
    expect(
        "u-42 signed up with [redacted]" in text,
        f"the %(key)s template came out as {text!r}",
        "dict_arguments",
    )


def test_extra_fields_are_redacted(module: ModuleType) -> None:
    rig = redaction_rig(module)
    logged(
        rig,
        lambda: rig.child.info(
            "token refreshed",
            extra={"token": SENTINEL_TOKEN, "user_id": 42, "contact": f"mail {SENTINEL_EMAIL}"},
        ),
        "info with extra",
        "extra_fields_pii",
    )
    expect(
        not rig.leaks(),
        f"extra fields reached a handler unredacted: {rig.leaks()}",
        "extra_fields_pii",
    )
    extras = rig.keeper.seen[-1].extras if rig.keeper.seen else {}
    want = {"token": "[redacted]", "user_id": 42, "contact": "mail [email]"}
    got = {key: extras.get(key) for key in want}
    expect(
        got == want, f"extra fields as a handler saw them: {got}, not {want}", "extra_fields_pii"
    )


def test_exception_text_is_redacted(module: ModuleType) -> None:
    rig = redaction_rig(module)

    def fail_and_log() -> None:
        try:
            raise ValueError(f"no account for {SENTINEL_EMAIL}")
        except ValueError:
            rig.child.exception("login failed")

    logged(rig, fail_and_log, "logger.exception", "exception_text")
    expect(
        not rig.leaks(),
        f"the exception's text reached a handler unredacted: {rig.leaks()}",
        "exception_text",
    )
    text = rig.text.getvalue()
    expect(
        "login failed" in text and "ValueError: no account for [email]" in text,
        f"the traceback should survive, redacted: {text[-200:]!r}",
        "exception_text",
    )


def test_records_survive_redaction(module: ModuleType) -> None:
    rig = redaction_rig(module)
    calls = [
        lambda: rig.child.info("receipt sent to %s", SENTINEL_EMAIL),
        lambda: rig.child.info("token refreshed", extra={"token": SENTINEL_TOKEN, "user_id": 42}),
        lambda: rig.child.info("%d items in cart", 3),
        lambda: rig.child.info(42),
        lambda: rig.shop.warning("payment declined for order %s", "A-17"),
    ]
    for call in calls:
        logged(rig, call, "a logging call", "keep_the_record")
    kept = [(s.level, s.name, s.message) for s in rig.keeper.seen]
    want = [
        ("INFO", "shop.checkout.payments", "receipt sent to [email]"),
        ("INFO", "shop.checkout.payments", "token refreshed"),
        ("INFO", "shop.checkout.payments", "3 items in cart"),
        ("INFO", "shop.checkout.payments", "42"),
        ("WARNING", "shop", "payment declined for order A-17"),
    ]
    expect(kept == want, f"records the handler received: {kept}, not {want}", "keep_the_record")
    expect(
        not rig.printed.get("stderr"),
        f"logging reported an error: {rig.printed['stderr'][:200]!r}",
        "keep_the_record",
    )


# --------------------------------------------------------------------------------------
# logging.hot_path


def counting_items(module: ModuleType, size: int) -> tuple[list[Any], dict[str, int]]:
    counter = {"text": 0}

    class CountingItem(module.Item):  # type: ignore[name-defined,misc]
        def __str__(self) -> str:
            counter["text"] += 1
            return f"Item {self.sku}"

        def __repr__(self) -> str:
            counter["text"] += 1
            return f"Item({self.sku!r})"

        def __format__(self, spec: str) -> str:
            counter["text"] += 1
            return f"Item {self.sku}"

    items = [
        CountingItem(f"sku-{n:05}", 0 if n % 7 == 0 else n % 5 + 1, 100 + n % 50)
        for n in range(size)
    ]
    return items, counter


def expected_summary(items: list[Any]) -> tuple[int, int, int]:
    valid = [item for item in items if item.quantity > 0]
    return len(valid), len(items) - len(valid), sum(i.quantity * i.price_cents for i in valid)


def batch_logger(level: int, module: ModuleType) -> tuple[logging.Logger, Keeper]:
    logger = logging.getLogger("shop.imports")
    logger.setLevel(level)
    logger.propagate = False
    keeper = Keeper(module)
    logger.addHandler(keeper)
    return logger, keeper


def run_batch(
    module: ModuleType, items: list[Any], logger: logging.Logger, printed: dict[str, str]
) -> Any:
    with quiet(printed):
        return module.process_batch(items, logger)


def test_summary_is_correct(module: ModuleType) -> None:
    logger, _ = batch_logger(logging.INFO, module)
    printed: dict[str, str] = {}
    item, summary = module.Item, module.Summary
    cases = [
        ([item("A-1", 2, 500), item("B-2", 0, 300), item("C-3", 1, 250)], summary(2, 1, 1250)),
        ([], summary(0, 0, 0)),
        ([item("N-1", -3, 100)], summary(0, 1, 0)),
    ]
    for items, want in cases:
        got = run_batch(module, items, logger, printed)
        expect(
            got == want,
            f"process_batch of {len(items)} items returned {got!r}, not {want!r}",
            "summary_values",
        )
    items, _ = counting_items(module, 10_000)
    got = run_batch(module, items, logger, printed)
    want = summary(*expected_summary(items))
    expect(got == want, f"for 10,000 items: {got!r}, not {want!r}", "summary_values")
    expect(
        not printed.get("stdout") and not printed.get("stderr"), f"printed: {printed}", "no_print"
    )


def test_logs_once_per_batch(module: ModuleType) -> None:
    logger, keeper = batch_logger(logging.DEBUG, module)
    items, _ = counting_items(module, 10_000)
    run_batch(module, items, logger, {})
    expect(
        len(keeper.seen) <= 3,
        f"one batch of 10,000 items at DEBUG made {len(keeper.seen)} records; "
        "at most 3 are allowed",
        "per_batch",
    )


def test_summary_record_has_fields(module: ModuleType) -> None:
    logger, keeper = batch_logger(logging.INFO, module)
    items, _ = counting_items(module, 700)
    summary = run_batch(module, items, logger, {})
    infos = [s for s in keeper.seen if s.level == "INFO"]
    expect(len(infos) == 1, f"{len(infos)} INFO records for one batch, not 1", "summary_fields")
    record = infos[0]
    expect(
        record.message == "batch processed",
        f"the INFO message is {record.message!r}",
        "summary_fields",
    )
    want = {
        "processed": summary.processed,
        "rejected": summary.rejected,
        "total_cents": summary.total_cents,
    }
    got = {key: record.extras.get(key) for key in want}
    expect(got == want, f"extra fields of the INFO record: {got}, not {want}", "summary_fields")
    duration = record.extras.get("duration_ms")
    expect(
        isinstance(duration, int | float) and not isinstance(duration, bool) and duration >= 0,
        f"duration_ms is {duration!r}, not a number of milliseconds",
        "summary_fields",
    )


def test_formats_nothing_it_does_not_write(module: ModuleType) -> None:
    logger, _ = batch_logger(logging.INFO, module)
    items, counter = counting_items(module, 10_000)
    run_batch(module, items, logger, {})
    expect(
        counter["text"] == 0,
        f"with the logger at INFO, items were turned into text {counter['text']} times "
        "for records never written",
        "format_only_when_written",
    )


def exercise_cell_findings(submission: Path, exercise_id: str, select: str) -> list[dict[str, Any]]:
    lines = submission.read_text(encoding="utf-8").splitlines()
    first = lines.index(f"# exercise: {exercise_id}") + 1
    result = subprocess.run(  # noqa: S603 - the pinned ruff on a file we wrote
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--ignore-noqa",
            "--select",
            select,
            "--output-format",
            "json",
            str(submission),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    return [f for f in findings if f["location"]["row"] >= first]


def test_logging_calls_pass_arguments(module: ModuleType) -> None:
    # Behaviour first, so that the untouched starter (which ruff finds nothing in) fails here too.
    logger, _ = batch_logger(logging.INFO, module)
    run_batch(module, [module.Item("A-1", 2, 500)], logger, {})
    findings = exercise_cell_findings(Path(module.__file__), "logging.hot_path", "G")
    described = [f"{f['code']} {f['message']}" for f in findings]
    expect(not findings, f"ruff's G rules found: {described}", "logging_arguments")


# --------------------------------------------------------------------------------------
# logging.traced_step


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@contextlib.contextmanager
def fake_perf_counter(module: ModuleType, clock: FakeClock) -> Iterator[None]:
    """Replace perf_counter where the submission looks it up, and put it back afterwards."""
    saved_time, saved_name = time.perf_counter, getattr(module, "perf_counter", None)
    time.perf_counter = clock  # type: ignore[assignment]  # what module.time.perf_counter reaches
    if saved_name is not None:
        module.perf_counter = clock
    try:
        yield
    finally:
        time.perf_counter = saved_time  # type: ignore[assignment]
        if saved_name is not None:
            module.perf_counter = saved_name


@dataclass
class Agent:
    clock: FakeClock
    keeper: Keeper
    steps: dict[str, Callable[..., Any]]
    raised: dict[str, BaseException]


def agent_rig(module: ModuleType) -> Agent:
    agent_logger = logging.getLogger("agent")
    agent_logger.setLevel(logging.DEBUG)
    agent_logger.propagate = False
    keeper = Keeper(module)
    agent_logger.addHandler(keeper)
    clock, raised = FakeClock(), {}
    traced = module.traced_step

    async def plan(question: str) -> Any:
        clock.advance(0.8)
        await asyncio.sleep(0)
        return module.ModelReply(text="call the calendar", input_tokens=412, output_tokens=37)

    def parse(text: str) -> dict[str, str]:
        clock.advance(0.125)
        return {"city": text}

    async def calendar(day: str) -> str:
        clock.advance(2.0)
        await asyncio.sleep(0)
        raised["calendar"] = TimeoutError("calendar service did not answer")
        raise raised["calendar"]

    def lookup(key: str) -> str:
        clock.advance(0.05)
        raised["lookup"] = KeyError(key)
        raise raised["lookup"]

    async def tool(letter: str) -> str:
        await asyncio.sleep(0)
        clock.advance(0.01)
        await asyncio.sleep(0)
        return letter

    steps = {
        "plan": traced("plan")(plan),
        "parse": traced("parse")(parse),
        "calendar": traced("calendar")(calendar),
        "lookup": traced("lookup")(lookup),
        **{f"tool_{x}": traced(f"tool_{x}")(tool) for x in "abc"},
    }
    return Agent(clock, keeper, steps, raised)


def records_of(agent: Agent, step: str) -> list[Seen]:
    return [s for s in agent.keeper.seen if s.extras.get("step") == step]


def call_step(module: ModuleType, agent: Agent, name: str, *args: Any, hint: str) -> Any:
    """Run one step under the fake clock; return its result, or the exception it raised."""
    with fake_perf_counter(module, agent.clock):
        try:
            result = agent.steps[name](*args)
            if asyncio.iscoroutine(result):
                result = asyncio.run(result)
        except Exception as error:
            return error
    return result


def test_wraps_sync_and_async(module: ModuleType) -> None:
    import inspect

    agent = agent_rig(module)
    expect(
        agent.steps["parse"].__name__ == "parse",
        f"__name__ became {agent.steps['parse'].__name__!r}",
        "keep_the_function",
    )
    expect(
        inspect.iscoroutinefunction(agent.steps["plan"]),
        "a decorated async def is no longer a coroutine function",
        "keep_the_function",
    )
    got = call_step(module, agent, "parse", "Lisbon", hint="keep_the_function")
    expect(got == {"city": "Lisbon"}, f"parse('Lisbon') returned {got!r}", "keep_the_function")
    reply = call_step(module, agent, "plan", "question", hint="keep_the_function")
    expect(
        isinstance(reply, module.ModelReply), f"plan(...) returned {reply!r}", "keep_the_function"
    )


def test_start_and_end_records(module: ModuleType) -> None:
    agent = agent_rig(module)
    module.REQUEST_ID.set("req-1")
    call_step(module, agent, "parse", "Lisbon", hint="start_and_end")
    module.REQUEST_ID.set("-")
    got = [
        (s.level, s.message, s.extras.get("request_id"), s.extras.get("outcome"))
        for s in records_of(agent, "parse")
    ]
    want = [("INFO", "step.start", "req-1", None), ("INFO", "step.end", "req-1", "ok")]
    expect(got == want, f"records of one call: {got}, not {want}", "start_and_end")


def end_record(agent: Agent, step: str) -> Seen:
    ends = [s for s in records_of(agent, step) if s.message == "step.end"]
    expect(len(ends) == 1, f"{len(ends)} step.end records for one call of {step}", "start_and_end")
    return ends[0]


def test_duration_from_perf_counter(module: ModuleType) -> None:
    agent = agent_rig(module)
    call_step(module, agent, "parse", "Lisbon", hint="monotonic_clock")
    duration = end_record(agent, "parse").extras.get("duration_ms")
    expect(
        isinstance(duration, int | float) and abs(duration - 125.0) < 0.001,
        f"a step that took 125 ms on the fake perf_counter logged duration_ms={duration!r}",
        "monotonic_clock",
    )


def test_async_steps_are_awaited_inside(module: ModuleType) -> None:
    agent = agent_rig(module)
    call_step(module, agent, "plan", "question", hint="await_inside")
    duration = end_record(agent, "plan").extras.get("duration_ms")
    expect(
        isinstance(duration, int | float) and abs(duration - 800.0) < 0.001,
        f"an async step that took 800 ms logged duration_ms={duration!r}",
        "await_inside",
    )
    error = call_step(module, agent, "calendar", "2027-01-15", hint="await_inside")
    expect(
        isinstance(error, TimeoutError),
        f"the async step's TimeoutError came back as {error!r}",
        "await_inside",
    )
    end = end_record(agent, "calendar")
    expect(
        end.extras.get("outcome") == "error",
        f"a failed async step logged outcome={end.extras.get('outcome')!r}",
        "await_inside",
    )


def test_token_counts(module: ModuleType) -> None:
    agent = agent_rig(module)
    call_step(module, agent, "plan", "question", hint="token_counts")
    extras = end_record(agent, "plan").extras
    got = (extras.get("input_tokens"), extras.get("output_tokens"))
    expect(got == (412, 37), f"token counts on step.end: {got}, not (412, 37)", "token_counts")


def test_exception_is_reraised(module: ModuleType) -> None:
    agent = agent_rig(module)
    for step, args in (("lookup", ("EUR",)), ("calendar", ("2027-01-15",))):
        error = call_step(module, agent, step, *args, hint="reraise")
        expect(
            error is agent.raised.get(step),
            f"calling {step}, the caller got {error!r} instead of the step's own exception",
            "reraise",
        )


def test_error_logged_once(module: ModuleType) -> None:
    agent = agent_rig(module)
    call_step(module, agent, "lookup", "EUR", hint="log_once")
    errors = [s for s in agent.keeper.seen if s.level in ("ERROR", "CRITICAL")]
    expect(
        len(errors) == 1,
        f"one failure made {len(errors)} ERROR records: {[s.message for s in errors]}",
        "log_once",
    )
    end = errors[0]
    expect(
        end.message == "step.end", f"the ERROR record is {end.message!r}, not step.end", "log_once"
    )
    got = (end.extras.get("outcome"), end.extras.get("error_type"))
    expect(got == ("error", "KeyError"), f"outcome and error_type: {got}", "log_once")


def test_error_carries_stack_trace(module: ModuleType) -> None:
    agent = agent_rig(module)
    call_step(module, agent, "lookup", "EUR", hint="stack_trace")
    end = end_record(agent, "lookup")
    expect(
        end.has_exc_info,
        "the ERROR record has no exception information, so no stack trace",
        "stack_trace",
    )
    expect(
        end.exc_info_text.strip().splitlines()[-1].startswith("KeyError"),
        f"the stack trace ends with {end.exc_info_text.strip().splitlines()[-1:]}",
        "stack_trace",
    )


def test_arguments_are_not_logged(module: ModuleType) -> None:
    agent = agent_rig(module)
    call_step(module, agent, "parse", SENTINEL_EMAIL, hint="no_arguments")
    call_step(module, agent, "plan", SENTINEL_PASSWORD, hint="no_arguments")
    call_step(module, agent, "lookup", SENTINEL_TOKEN, hint="no_arguments")
    everything = "\n".join(f"{s.message}|{s.args}|{s.extras!r}" for s in agent.keeper.seen)
    leaks = [sentinel for sentinel in SENTINELS if sentinel in everything]
    expect(not leaks, f"arguments or results of a step reached the log: {leaks}", "no_arguments")


def test_request_id_per_task(module: ModuleType) -> None:
    agent = agent_rig(module)

    async def task(letter: str) -> str:
        module.REQUEST_ID.set(f"req-{letter}")
        return await agent.steps[f"tool_{letter}"](letter)

    async def all_three() -> list[str]:
        return await asyncio.gather(task("a"), task("b"), task("c"))

    with fake_perf_counter(module, agent.clock):
        asyncio.run(all_three())
    got = {(s.extras.get("step"), s.extras.get("request_id")) for s in agent.keeper.seen}
    want = {("tool_a", "req-a"), ("tool_b", "req-b"), ("tool_c", "req-c")}
    expect(
        got == want,
        f"(step, request_id) pairs logged: {sorted(map(str, got))}",
        "request_id_per_call",
    )


# --------------------------------------------------------------------------------------
# Running one answer (in a child process), and everything (in the parent)

CHECKS: dict[str, list[Callable[[ModuleType], None]]] = {
    "logging.json_config": [
        test_json_line_fields,
        test_request_id_from_context,
        test_level_is_respected,
        test_extra_fields_are_top_level_keys,
        test_values_json_cannot_encode,
        test_exceptions_have_type_and_traceback,
        test_configure_twice_writes_each_event_once,
        test_configure_again_moves_to_the_new_stream,
        test_existing_loggers_keep_logging,
        test_nothing_printed_json,
    ],
    "logging.redaction": [
        test_message_arguments_are_redacted,
        test_child_records_are_redacted,
        test_dict_arguments_are_redacted,
        test_extra_fields_are_redacted,
        test_exception_text_is_redacted,
        test_records_survive_redaction,
    ],
    "logging.hot_path": [
        test_summary_is_correct,
        test_logs_once_per_batch,
        test_summary_record_has_fields,
        test_formats_nothing_it_does_not_write,
        test_logging_calls_pass_arguments,
    ],
    "logging.traced_step": [
        test_wraps_sync_and_async,
        test_start_and_end_records,
        test_duration_from_perf_counter,
        test_async_steps_are_awaited_inside,
        test_token_counts,
        test_exception_is_reraised,
        test_error_logged_once,
        test_error_carries_stack_trace,
        test_arguments_are_not_logged,
        test_request_id_per_task,
    ],
}


def run_one(exercise_id: str, submission: Path) -> dict[str, dict[str, Any]]:
    """Load the submission as a module and run every check of its exercise, in this process."""
    spec = importlib.util.spec_from_file_location("submission", submission)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {submission}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["submission"] = module  # dataclasses look their module up while building
    with contextlib.redirect_stdout(io.StringIO()):
        spec.loader.exec_module(module)
    results: dict[str, dict[str, Any]] = {}
    for check in CHECKS[exercise_id]:
        fresh_logging()
        module.REQUEST_ID.set("-")
        try:
            check(module)
        except CheckFailedError as failure:
            results[check.__name__] = {"ok": False, "hint": failure.hint, "message": str(failure)}
        except Exception as error:  # the learner's code raised: a fail with no hint
            results[check.__name__] = {
                "ok": False,
                "hint": None,
                "message": f"{type(error).__name__}: {error}",
            }
        else:
            results[check.__name__] = {"ok": True, "hint": None, "message": ""}
    return results


@dataclass
class Answer:
    exercise_id: str
    kind: str  # reference, starter, right, wrong
    name: str
    source: str
    caught_by: str = ""
    hint: str = ""


def notebook_cells() -> tuple[str, dict[str, str]]:
    notebook = json.loads(SOLUTIONS.read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    setup = "\n\n".join(s for s in sources if s.startswith("# setup"))
    exercises = {
        s.splitlines()[0].removeprefix("# exercise: "): s
        for s in sources
        if s.startswith("# exercise: ")
    }
    return setup, exercises


def starter_of(source: str) -> str:
    """What `zendo build` makes of a solution cell: each region becomes a NotImplementedError."""
    pattern = re.compile(r"^( *)# BEGIN SOLUTION.*?^ *# END SOLUTION\n?", re.MULTILINE | re.DOTALL)
    return pattern.sub(lambda m: f"{m.group(1)}raise NotImplementedError\n", source)


def answers() -> tuple[str, list[Answer]]:
    setup, exercises = notebook_cells()
    found = []
    for exercise_id, source in exercises.items():
        found.append(Answer(exercise_id, "reference", "solution", source))
        found.append(Answer(exercise_id, "starter", "starter", starter_of(source)))
        for kind in ("right", "wrong"):
            for path in sorted((HERE / kind / exercise_id).glob("*.py")):
                text = path.read_text(encoding="utf-8")
                header = dict(
                    re.findall(
                        r"^# (exercise|wrong|right|caught-by|hint): (.+)$", text, re.MULTILINE
                    )
                )
                if header.get("exercise") != exercise_id:
                    raise SystemExit(f"{path}: its # exercise: line must name {exercise_id}")
                found.append(
                    Answer(
                        exercise_id,
                        kind,
                        path.stem,
                        text,
                        header.get("caught-by", ""),
                        header.get("hint", ""),
                    )
                )
    return setup, found


def verdict(answer: Answer, results: dict[str, dict[str, Any]]) -> tuple[bool, str]:
    failed = {name: r for name, r in results.items() if not r["ok"]}
    if answer.kind in ("reference", "right"):
        return not failed, f"failed: {sorted(failed)}" if failed else "passes every check"
    if answer.kind == "starter":
        return len(failed) == len(results), f"fails {len(failed)} of {len(results)} checks"
    named = results.get(answer.caught_by)
    if named is None:
        return False, f"no check named {answer.caught_by}"
    if named["ok"]:
        return False, f"{answer.caught_by} passed"
    if named["hint"] != answer.hint:
        return False, f"{answer.caught_by} failed with hint {named['hint']}, not {answer.hint}"
    return True, f"caught by {answer.caught_by} with {answer.hint}"


def main() -> int:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(run_one(sys.argv[2], Path(sys.argv[3]))))
        return 0
    verbose = "-v" in sys.argv
    setup, found = answers()
    surprises = 0
    with tempfile.TemporaryDirectory() as folder:
        for answer in found:
            submission = Path(folder) / f"{answer.exercise_id}-{answer.kind}-{answer.name}.py"
            submission.write_text(f"{setup}\n\n\n{answer.source}", encoding="utf-8")
            child = subprocess.run(  # noqa: S603 - this script, on a file we wrote
                [sys.executable, __file__, "--one", answer.exercise_id, str(submission)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            try:
                results = json.loads(child.stdout.strip().splitlines()[-1])
            except (json.JSONDecodeError, IndexError):
                results = {"load": {"ok": False, "hint": None, "message": child.stderr[-500:]}}
            good, why = verdict(answer, results)
            surprises += not good
            mark = "ok  " if good else "FAIL"
            print(f"{mark} {answer.exercise_id:22} {answer.kind:9} {answer.name:32} {why}")
            if verbose or not good:
                for name, result in results.items():
                    if not result["ok"]:
                        print(f"       {name}: [{result['hint']}] {result['message'][:160]}")
    print(f"{len(found)} answers checked, {surprises} surprises")
    return 1 if surprises else 0


if __name__ == "__main__":
    sys.exit(main())
