"""The capstone's scenario code: what runs in the learner's sandbox beside their service.

Two things can only be seen from inside: the waits between attempts (the setup cell's
`SLEEP`, swapped here for a recorder so nothing sleeps) and the log records the service
emits. Everything else is observed by the judge itself: it calls the service over HTTP
on a Unix socket, runs the gateway, and reads the SQLite file with its own connection.
`serve` builds the learner's app, with the gateway's socket as its client transport, and
serves it with uvicorn on a socket in the shared folder, once per sandbox; the SQLite
connections the service opens skip the wait for the disk (`scratch_connect`).

The gateway transport handed to `build_app` is the rig's `CuttingTransport`: plain HTTP on
the gateway's socket, which can shorten the read timeout of the next POST only
(`cut_next_read`), so that one attempt meets a slow gateway with a real timeout of
milliseconds while the attempts after it keep the learner's own, long, timeout.

`RIG_SOURCE` is sent with `learner.define`; `rig(learner)` returns its handle and the
learner's module. It holds no expected value.
"""

from __future__ import annotations

from zendo.judge import Handle, Learner, grader_imports
from zendo.judge.served_app import SERVED_APP_IMPORTS

# What `serve` makes the sandbox import, which a spare imports ahead, off the clock.
grader_imports("capstone.payment_service", *SERVED_APP_IMPORTS)

RIG_SOURCE = r'''
import contextlib
import logging
import sqlite3
import threading
import time

import httpx

GATEWAY_URL = "http://gateway"
WAIT_LIMIT = 20
# LogRecord's own attributes: whatever else a record carries came from `extra=`.
STANDARD = set(vars(logging.LogRecord("n", 0, "p", 0, "m", None, None))) | {"message", "asctime"}


class GraderStop(BaseException):
    """Ends an answer that keeps waiting past any sane number of attempts."""


class Recorder:
    """Stands in for SLEEP: notes the seconds of each wait and returns at once."""

    def __init__(self):
        self.waits = []

    async def sleep(self, seconds, *args, **kwargs):
        try:
            self.waits.append(float(seconds))
        except (TypeError, ValueError):
            self.waits.append(-1.0)
        if len(self.waits) > WAIT_LIMIT:
            raise GraderStop


def plain(value):
    """A log field as data the judge can read: plain scalars as they are, the rest as text."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    try:
        return repr(value)[:500]
    except Exception:
        return "<repr failed>"


class Keeper(logging.Handler):
    """Keeps every record: level, logger, message, template, arguments and extra fields."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:
            message = "<the message could not be formatted>"
        extras = {str(k): plain(v) for k, v in vars(record).items() if k not in STANDARD}
        self.seen.append({
            "level": int(record.levelno),
            "logger": str(record.name),
            "message": str(message)[:2000],
            "template": plain(record.msg),
            "args": plain(record.args),
            "extras": extras,
        })


RECORDER = Recorder()
KEEPER = Keeper()
SERVED = {}


REAL_CONNECT = sqlite3.connect


def scratch_connect(*args, **kwargs):
    """sqlite3.connect without the wait for the disk (PRAGMA synchronous = OFF).

    The payments file is a scratch file in the shared folder, read back by the judge
    while the sandbox lives, so nothing needs to survive a power cut: each payment's
    commit waited for the disk two or three times, up to 30 ms each on a busy machine.
    Locking, the journal and rollback are unchanged.
    """
    connection = REAL_CONNECT(*args, **kwargs)
    with contextlib.suppress(sqlite3.Error):
        connection.execute("PRAGMA synchronous = OFF")
    return connection


class CuttingTransport(httpx.AsyncBaseTransport):
    """The gateway's transport: plain HTTP on its socket, whose next POST can be cut short.

    After `cut_next_read(seconds)`, the next POST waits at most that long for the
    gateway's answer (the request's own read timeout, if shorter, stays; none, and it
    stays none): a real httpx.ReadTimeout on a real socket. Every other request goes out
    with the timeouts the learner's code gave it, untouched.
    """

    def __init__(self, gateway_socket):
        # Plain HTTP on a Unix socket: no TLS, so no CA bundle to load (20 to 100 ms here).
        self.inner = httpx.AsyncHTTPTransport(uds=gateway_socket, verify=False)
        self.cut = None

    async def handle_async_request(self, request):
        cut, timeouts = self.cut, request.extensions.get("timeout")
        if cut is not None and request.method == "POST":
            self.cut = None
            if type(timeouts) is dict and timeouts.get("read") is not None:
                request.extensions["timeout"] = {**timeouts, "read": min(timeouts["read"], cut)}
        return await self.inner.handle_async_request(request)

    async def aclose(self):
        await self.inner.aclose()


def failure(error):
    return {"started": False, "raised": type(error).__name__, "message": str(error)[:300]}


def serve(module, gateway_socket, app_socket, database, timeout):
    """Build the learner's app on the gateway's socket and serve it on app_socket."""
    import uvicorn

    module.SLEEP = RECORDER.sleep
    sqlite3.connect = scratch_connect
    module.GATEWAY_TIMEOUT = httpx.Timeout(timeout)
    root = logging.getLogger()
    root.addHandler(KEEPER)
    root.setLevel(logging.INFO)
    transport = SERVED["transport"] = CuttingTransport(gateway_socket)
    try:
        app = module.build_app(GATEWAY_URL, database, transport)
    except NotImplementedError:
        raise
    except Exception as error:
        return failure(error)
    config = uvicorn.Config(app, uds=app_socket, log_level="critical", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="learner-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            return {"started": False, "raised": "", "message": "the app did not start"}
        time.sleep(0.001)  # uvicorn sets no event: a short poll, it starts in ms
    SERVED["server"] = server
    return {"started": True}


def set_timeout(module, seconds, read=None):
    """The learner's GATEWAY_TIMEOUT: `seconds` for every phase, or for all but reading."""
    module.GATEWAY_TIMEOUT = httpx.Timeout(seconds, read=seconds if read is None else read)


def cut_next_read(seconds):
    SERVED["transport"].cut = seconds


def taken():
    """The waits and log records since the last call, and forget them."""
    waits, records = list(RECORDER.waits), list(KEEPER.seen)
    RECORDER.waits.clear()
    KEEPER.seen.clear()
    return {"waits": waits, "records": records}
'''


def rig(learner: Learner) -> tuple[Handle, Handle]:
    """The scenarios' module in the sandbox (sent once per loaded learner module), and the
    learner's module to hand them."""
    return learner.helper("zendo_capstone_rig", RIG_SOURCE)
