"""The resilience lesson's scenarios: grader code that runs in the learner's sandbox.

Some observations exist only beside the learner's code: the waits tenacity or `pause`
would sleep, the timeout httpx attaches to each request, the SQLite statements of a
look-up-then-insert, the records on the `payments` logger. Each scenario below builds
the learner's client on the gateway's Unix socket (`/shared/gateway.sock` as the sandbox
sees it), drives the learner's function with the payloads the judge chose, and returns
what it saw as plain data. The gateway itself runs on the judge's side, which counts the
requests and charges on its own; no expected value is in this text.

`RIG_SOURCE` is sent with `learner.define`; `rig(learner)` returns its handle and the
learner's module.
"""

from __future__ import annotations

from zendo.judge import Handle, Learner

RIG_SOURCE = r'''
import asyncio
import contextlib
import itertools
import logging
import os
import random
import sqlite3
import tempfile
import threading
import time

import httpx

GATEWAY_URL = "http://gateway"
WAIT_LIMIT = 10
# Plain HTTP over a Unix socket: no TLS ever, so no certificates to load (that costs
# 20 to 120 ms per transport here, more than a whole check should take).
NO_TLS = False


class GraderStop(BaseException):
    """Raised from the recorded sleep when an answer keeps retrying past any sane bound.

    tenacity calls sleep outside the attempt, so it cannot retry this; a loop of the
    learner's own would have to catch BaseException to go on.
    """


class Recorder:
    """Stands in for every sleep between attempts: notes the seconds, sleeps not at all."""

    def __init__(self):
        self.waits = []

    def note(self, seconds):
        try:
            self.waits.append(float(seconds))
        except (TypeError, ValueError):
            self.waits.append(-1.0)
        if len(self.waits) > WAIT_LIMIT:
            raise GraderStop

    async def async_sleep(self, seconds):
        self.note(seconds)

    def sync_sleep(self, seconds):
        self.note(seconds)


def failure(error):
    """What an exception was, as data the judge can compare."""
    status = None
    if isinstance(error, httpx.HTTPStatusError):
        with contextlib.suppress(Exception):
            status = int(error.response.status_code)
    return {
        "raised": type(error).__name__,
        "message": str(error)[:300],
        "status_error": isinstance(error, httpx.HTTPStatusError),
        "transport_error": isinstance(error, httpx.TransportError),
        "status": status,
    }


# ---------------------------------------------------------------- resilience.charge

def charge(module, socket, key, timeout):
    """await module.charge(client, 1999, key=key) with recorded waits and a short timeout."""
    recorder = Recorder()
    module.pause = recorder.async_sleep
    target = getattr(module, "charge", None)
    with contextlib.suppress(Exception):
        target.retry.sleep = recorder.async_sleep
    module.GATEWAY_TIMEOUT = httpx.Timeout(timeout)
    random.seed(7)  # tenacity's jitter draws from `random`: the same waits on every run
    timeouts = []

    async def note_timeout(request):
        sent = request.extensions.get("timeout")
        timeouts.append(dict(sent) if isinstance(sent, dict) else repr(sent))

    async def run():
        async with httpx.AsyncClient(
            base_url=GATEWAY_URL,
            transport=httpx.AsyncHTTPTransport(uds=socket, verify=NO_TLS),
            timeout=None,
            event_hooks={"request": [note_timeout]},
        ) as client:
            return await asyncio.wait_for(target(client, 1999, key=key), 15)

    try:
        result = {"returned": asyncio.run(run())}
    except GraderStop:
        result = {"stopped": True}
    except NotImplementedError:
        raise
    except Exception as error:
        result = failure(error)
    result["timeouts"] = timeouts
    result["waits"] = recorder.waits
    return result


# ---------------------------------------------------------------- resilience.retry_after

def retryable(error):
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in {429, 500, 502, 503, 504}
    return isinstance(error, httpx.TransportError)


def retry_after(module, socket, attempts, cap):
    """A tenacity loop of the grader's around real POSTs, waiting what the learner's wait says."""
    from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

    fallback = wait_exponential(multiplier=0.5)  # 0.5, 1, 2, 4, 8: no header says these
    make = module.wait_retry_after
    wait = make(fallback) if cap is None else make(fallback, cap=cap)
    recorder = Recorder()
    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait,
        retry=retry_if_exception(retryable),
        reraise=True,
        sleep=recorder.sync_sleep,
    )
    transport = httpx.HTTPTransport(uds=socket, verify=NO_TLS)
    with httpx.Client(base_url=GATEWAY_URL, transport=transport, timeout=5) as client:
        try:
            retrying(lambda: client.post("/v1/charges", json={"amount_cents": 1}).raise_for_status())
        except GraderStop:
            return {"waits": recorder.waits, "stopped": True}
        except NotImplementedError:
            raise
        except Exception as error:
            return {"waits": recorder.waits, **failure(error)}
    return {"waits": recorder.waits}


# ---------------------------------------------------------------- resilience.idempotency_store

class SelectBarrier:
    """Make a look-up-then-write race certain: after a SELECT, hold the connection's next
    write until a second connection is at the same point (or 0.5 s have passed).

    An answer that claims a key with the write itself never writes after a SELECT and is
    never held. One that looks the key up first is held until the other request has
    looked it up too, so both see no row, every time.
    """

    WRITES = frozenset({"INSERT", "UPDATE", "REPLACE", "DELETE", "COMMIT"})

    def __init__(self):
        self.barrier = None
        self.real_connect = sqlite3.connect

    def connect(self, *args, **kwargs):
        connection = self.real_connect(*args, **kwargs)
        after_select = [False]

        def hook(statement):
            words = statement.split(None, 1)
            verb = words[0].upper() if words else ""
            if verb == "SELECT":
                after_select[0] = True
            elif after_select[0] and verb in self.WRITES:
                after_select[0] = False
                barrier = self.barrier
                if barrier is not None:
                    with contextlib.suppress(threading.BrokenBarrierError):
                        barrier.wait()

        connection.set_trace_callback(hook)
        return connection


SELECTS = SelectBarrier()
sqlite3.connect = SELECTS.connect


CLIENTS = {}
# Each scenario gets a new store file in the sandbox's own /tmp (memory: no fsync cost),
# so nothing from an earlier scenario or run is ever in it.
STORES = tempfile.mkdtemp(prefix="zendo-store-")
NUMBERS = itertools.count(1)


def fresh_store(name):
    return os.path.join(STORES, f"{next(NUMBERS)}-{name}")


def store_gateway(socket):
    """gateway(payload): a real charge without a key, so every call is a new charge."""
    client = CLIENTS.get(socket)
    if client is None:
        transport = httpx.HTTPTransport(uds=socket, verify=NO_TLS)
        client = CLIENTS[socket] = httpx.Client(
            base_url=GATEWAY_URL, transport=transport, timeout=5
        )

    def gateway(payload):
        return client.post("/v1/charges", json=payload).raise_for_status().json()

    return gateway


def one_charge(module, socket, db, user, key, payload):
    try:
        return {"returned": module.handle_charge(db, user, key, payload, store_gateway(socket))}
    except Exception as error:
        return failure(error)


def not_done(results):
    """The starter's NotImplementedError, raised again so the judge says "not done yet"."""
    if any(isinstance(r, dict) and r.get("raised") == "NotImplementedError" for r in results):
        raise NotImplementedError


def store(module, socket, name, calls):
    """Each call in turn, on a new store: ["charge", user, key, payload] or ["age", key, hours]."""
    db = fresh_store(name)
    results = []
    for call in calls:
        if call[0] == "age":
            # No table or no row: nothing to age, and the later calls show what that did.
            with contextlib.suppress(sqlite3.Error), contextlib.closing(
                SELECTS.real_connect(db)
            ) as connection:
                connection.execute(
                    "UPDATE idempotency SET created_at = ? WHERE key = ?",
                    (time.time() - call[2] * 3600, call[1]),
                )
                connection.commit()
            continue
        results.append(one_charge(module, socket, db, *call[1:]))
        not_done(results)
    return results


def race(module, socket, name, user, key, payload):
    """The same request from two threads released together, with the SELECT barrier armed."""
    db = fresh_store(name)
    start = threading.Barrier(2, timeout=5)
    results = [None, None]

    def send(number):
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait()
        results[number] = one_charge(module, socket, db, user, key, payload)

    SELECTS.barrier = threading.Barrier(2, timeout=0.5)
    try:
        threads = [threading.Thread(target=send, args=(n,), daemon=True) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(8)
    finally:
        SELECTS.barrier = None
    not_done(results)
    return results


# ---------------------------------------------------------------- resilience.endpoint

class Keeper(logging.Handler):
    """Keeps (level, request_id) of every record at WARNING or above."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen = []

    def emit(self, record):
        self.seen.append([str(record.levelname), str(getattr(record, "request_id", "?"))])


KEEPER = Keeper()
SERVED = {}


def serve(module, gateway_socket, app_socket):
    """Build the learner's app and serve it with uvicorn on app_socket, in a thread."""
    import uvicorn

    module.GATEWAY_SOCKET = gateway_socket
    module.GATEWAY_TIMEOUT = httpx.Timeout(5.0)
    logging.getLogger("payments").addHandler(KEEPER)
    try:
        app = module.build_app(GATEWAY_URL)
    except NotImplementedError:
        raise
    except Exception as error:
        return {"started": False, **failure(error)}
    config = uvicorn.Config(
        app, uds=app_socket, log_level="critical", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="learner-app", daemon=True)
    thread.start()
    deadline = time.monotonic() + 8
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            return {"started": False, "raised": "", "message": "the app did not start"}
        time.sleep(0.001)  # uvicorn sets no event: a short poll, it starts in milliseconds
    SERVED["server"] = server
    return {"started": True}


def set_timeout(module, seconds, read=None):
    """GATEWAY_TIMEOUT: `seconds` for every phase, or for all but reading the answer."""
    module.GATEWAY_TIMEOUT = httpx.Timeout(seconds, read=seconds if read is None else read)


def records():
    """The records kept since the last call, and forget them."""
    seen = list(KEEPER.seen)
    KEEPER.seen.clear()
    return seen
'''


def rig(learner: Learner) -> tuple[Handle, Handle]:
    """The scenarios' module in the sandbox (sent once per loaded learner module), and the
    learner's module to hand them."""
    return learner.helper("zendo_resilience_rig", RIG_SOURCE)
