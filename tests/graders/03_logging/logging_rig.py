"""The logging lesson's scenarios: grader code that runs in the learner's sandbox.

Logging is process state (loggers, handlers, filters, the request-id ContextVar, the
clock), so the records exist only beside the learner's code. Each scenario below resets
logging, attaches real handlers to real loggers, drives the learner's functions with the
payloads (inputs), and returns what it saw as plain data: the lines real StreamHandlers
wrote, and a snapshot of each record a keeper handler received. The judge compares those
data with values it computes on its own side; no expected value is in this text.

`RIG_SOURCE` is sent with `learner.define`; `rig(learner)` returns its handle.
"""

from __future__ import annotations

from zendo.judge import Handle, Learner

RIG_SOURCE = r'''
import asyncio
import contextlib
import inspect
import io
import json
import logging
import time
from datetime import UTC, datetime
from decimal import Decimal

STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def plain(value):
    if value is None or type(value) in (bool, int, float, str):
        return value
    try:
        return repr(value)
    except Exception as error:
        return f"<repr failed: {type(error).__name__}>"


def extras_of(record):
    return {str(k): plain(v) for k, v in vars(record).items() if k not in STANDARD}


def fresh(module):
    """Put logging back as a new process has it, and the request id to its default."""
    logging.setLogRecordFactory(logging.LogRecord)
    logging.disable(logging.NOTSET)
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
    module.REQUEST_ID.set("-")


class Keeper(logging.Handler):
    """Keeps a plain-data snapshot of each record it writes, taken inside emit."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = []

    def emit(self, record):
        exc_info_text = ""
        has_exc_info = bool(record.exc_info and record.exc_info[0] is not None)
        if has_exc_info:
            exc_info_text = logging.Formatter().formatException(record.exc_info)
        self.seen.append({
            "level": str(record.levelname),
            "name": str(record.name),
            "message": str(record.getMessage()),
            "args": plain(record.args),
            "extras": extras_of(record),
            "exc_text": str(record.exc_text or ""),
            "exc_info_text": exc_info_text,
            "has_exc_info": has_exc_info,
        })


class LibraryJson(logging.Formatter):
    """Like many JSON formatters: formats exc_info itself when it is set, else exc_text."""

    def format(self, record):
        entry = {"message": record.getMessage(), **extras_of(record)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=repr)


# ---------------------------------------------------------------- logging.json_config

def json_config(module, scenario):
    fresh(module)
    shop = logging.getLogger("shop")
    early = logging.getLogger("shop.early") if scenario == "existing" else None
    stream = io.StringIO()
    module.configure_logging(stream, logging.INFO)
    out = {"before": time.time()}
    if scenario == "fields":
        shop.info("order %s accepted", 17)
    elif scenario == "request_ids":
        api = logging.getLogger("api")

        async def request(request_id):
            module.REQUEST_ID.set(request_id)
            api.info("request started")
            await asyncio.sleep(0)
            api.info("request finished")

        async def both():
            await asyncio.gather(request("req-a1"), request("req-b2"))

        asyncio.run(both())
        api.info("outside any request")
    elif scenario == "extra":
        shop.info("order stored", extra={"order_id": 17, "duration_ms": 4.5})
    elif scenario == "unencodable":
        when = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
        shop.info("refund issued", extra={"amount": Decimal("19.99"), "when": when})
    elif scenario == "exception":
        try:
            {"EUR": 2}["XYZ"]
        except KeyError:
            shop.exception("currency lookup failed")
    elif scenario == "quiet":
        shop.info("order %s accepted", 17, extra={"amount": Decimal("1")})
    elif scenario == "existing":
        early.info("still here")
    out["after"] = time.time()
    out["streams"] = [stream.getvalue()]
    return out


def json_levels(module):
    fresh(module)
    shop = logging.getLogger("shop")
    first, second = io.StringIO(), io.StringIO()
    module.configure_logging(first, logging.WARNING)
    shop.info("not wanted")
    shop.warning("wanted")
    module.configure_logging(second, logging.DEBUG)
    shop.debug("details")
    return [first.getvalue(), second.getvalue()]


def json_twice(module, same_stream):
    fresh(module)
    shop = logging.getLogger("shop")
    first, second = io.StringIO(), io.StringIO()
    module.configure_logging(first, logging.INFO)
    if same_stream:
        module.configure_logging(first, logging.INFO)
        shop.info("job done")
    else:
        module.configure_logging(second, logging.WARNING)
        shop.warning("stock low")
        shop.info("below the new level")
    return [first.getvalue(), second.getvalue()]


# ---------------------------------------------------------------- logging.redaction

def redaction(module, calls):
    """calls: [logger suffix ("" for shop), level, message, args, extra or None, raise text]."""
    fresh(module)
    shop = logging.getLogger("shop")
    shop.setLevel(logging.DEBUG)
    shop.propagate = False
    text, json_stream = io.StringIO(), io.StringIO()
    text_handler = logging.StreamHandler(text)
    text_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    json_handler = logging.StreamHandler(json_stream)
    json_handler.setFormatter(LibraryJson())
    keeper = Keeper()
    for handler in (text_handler, json_handler, keeper):
        shop.addHandler(handler)
    module.install_redaction(shop)
    raised = []
    for suffix, level, message, args, extra, error_text in calls:
        logger = shop.getChild(suffix) if suffix else shop
        try:
            if error_text is None:
                logger.log(level, message, *args, extra=extra)
            else:
                try:
                    raise ValueError(error_text)
                except ValueError:
                    logger.exception(message)
        except Exception as error:
            raised.append(f"{type(error).__name__}: {error}")
    return {
        "text": text.getvalue(),
        "json": json_stream.getvalue(),
        "seen": keeper.seen,
        "raised": raised,
    }


# ---------------------------------------------------------------- logging.hot_path

def counting_items(module, rows):
    counter = {"text": 0}

    class CountingItem(module.Item):
        def __str__(self):
            counter["text"] += 1
            return f"Item {self.sku}"

        def __repr__(self):
            counter["text"] += 1
            return f"Item({self.sku!r})"

        def __format__(self, spec):
            counter["text"] += 1
            return f"Item {self.sku}"

    return [CountingItem(*row) for row in rows], counter


def generated_rows(size):
    return [(f"sku-{n:05}", 0 if n % 7 == 0 else n % 5 + 1, 100 + n % 50) for n in range(size)]


def summary_of(module, result):
    if type(result) is not module.Summary:
        return {"type": type(result).__name__, "shown": plain(result)}
    return {
        "type": "Summary",
        "fields": [plain(result.processed), plain(result.rejected), plain(result.total_cents)],
    }


def hot_path(module, rows, size, level):
    """Run process_batch on rows (or `size` generated items) with a keeper on shop.imports."""
    fresh(module)
    logger = logging.getLogger("shop.imports")
    logger.setLevel(level)
    logger.propagate = False
    keeper = Keeper()
    logger.addHandler(keeper)
    items, counter = counting_items(module, rows if size is None else generated_rows(size))
    result = module.process_batch(items, logger)
    return {"summary": summary_of(module, result), "seen": keeper.seen, "formatted": counter["text"]}


# ---------------------------------------------------------------- logging.traced_step

class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@contextlib.contextmanager
def fake_perf_counter(module, clock):
    """Replace perf_counter where the submission looks it up; put it back afterwards."""
    saved_time = time.perf_counter
    saved_name = getattr(module, "perf_counter", None)
    time.perf_counter = clock
    if saved_name is not None:
        module.perf_counter = clock
    try:
        yield
    finally:
        time.perf_counter = saved_time
        if saved_name is not None:
            module.perf_counter = saved_name


def agent_steps(module, clock, raised):
    traced = module.traced_step

    async def plan(question):
        clock.advance(0.8)
        await asyncio.sleep(0)
        return module.ModelReply(text="call the calendar", input_tokens=412, output_tokens=37)

    def parse(text):
        clock.advance(0.125)
        return {"city": text}

    async def calendar(day):
        clock.advance(2.0)
        await asyncio.sleep(0)
        raised["calendar"] = TimeoutError("calendar service did not answer")
        raise raised["calendar"]

    def lookup(key):
        clock.advance(0.05)
        raised["lookup"] = KeyError(key)
        raise raised["lookup"]

    async def tool(letter):
        await asyncio.sleep(0)
        clock.advance(0.01)
        await asyncio.sleep(0)
        return letter

    return {
        "plan": traced("plan")(plan),
        "parse": traced("parse")(parse),
        "calendar": traced("calendar")(calendar),
        "lookup": traced("lookup")(lookup),
        **{f"tool_{x}": traced(f"tool_{x}")(tool) for x in "abc"},
    }


def traced(module, calls, request_id):
    """Decorate the steps, run each [step, argument] call; say what came back and was logged."""
    fresh(module)
    agent = logging.getLogger("agent")
    agent.setLevel(logging.DEBUG)
    agent.propagate = False
    keeper = Keeper()
    agent.addHandler(keeper)
    clock, raised = FakeClock(), {}
    steps = agent_steps(module, clock, raised)
    out = {
        "names": {key: plain(getattr(step, "__name__", None)) for key, step in steps.items()},
        "coroutine_functions": {k: inspect.iscoroutinefunction(s) for k, s in steps.items()},
        "results": [],
    }
    if request_id is not None:
        module.REQUEST_ID.set(request_id)
    for step, argument in calls:
        with fake_perf_counter(module, clock):
            try:
                result = steps[step](argument)
                if inspect.isawaitable(result):
                    result = asyncio.run(result)
            except Exception as error:
                out["results"].append({
                    "raised": type(error).__name__,
                    "same_object": error is raised.get(step),
                })
            else:
                shown = plain(result)
                if type(result) is dict:
                    shown = {str(k): plain(v) for k, v in result.items()}
                out["results"].append({
                    "returned": shown,
                    "is_model_reply": type(result) is module.ModelReply,
                })
    module.REQUEST_ID.set("-")
    out["seen"] = keeper.seen
    return out


def traced_tasks(module):
    """Three concurrent tasks, each with its own request id, each awaiting its own tool."""
    fresh(module)
    agent = logging.getLogger("agent")
    agent.setLevel(logging.DEBUG)
    agent.propagate = False
    keeper = Keeper()
    agent.addHandler(keeper)
    clock = FakeClock()
    steps = agent_steps(module, clock, {})

    async def task(letter):
        module.REQUEST_ID.set(f"req-{letter}")
        return await steps[f"tool_{letter}"](letter)

    async def all_three():
        return await asyncio.gather(task("a"), task("b"), task("c"))

    with fake_perf_counter(module, clock):
        asyncio.run(all_three())
    return keeper.seen
'''


def rig(learner: Learner) -> tuple[Handle, Handle]:
    """The scenarios' module in the sandbox (sent once per loaded learner module), and the
    learner's module to hand them."""
    return learner.helper("zendo_logging_rig", RIG_SOURCE)
