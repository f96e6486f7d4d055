"""Throwaway checks for the resilience exercise drafts: do the answers behave as claimed?

Not the graders. The graders are written on Grading v2's API (see graders.md); this script
only proves, before they exist, that the reference solutions, the right answers and the
untouched starters pass or fail as the drafts say, and that every known wrong answer fails
the check named in its `# caught-by:` line with the hint named in its `# hint:` line.

Each answer runs in a fresh Python process, as the setup cell followed by the answer,
against real things: a flaky payment gateway served over HTTP on 127.0.0.1
(`FlakyGateway`), the learner's FastAPI app served by uvicorn on 127.0.0.1 (`AppServer`),
SQLite files, real loggers. Waits between attempts are recorded, never slept. The checks
are named like the grader tests graders.md proposes, and test the same observations.

Usage, from the repository root:
    .venv/bin/python drafts/07_resilience/check_drafts.py             # exit 1 on a surprise
    .venv/bin/python drafts/07_resilience/check_drafts.py -v          # also every message
    .venv/bin/python drafts/07_resilience/check_drafts.py --repeat 20 # each check 20 times
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import logging
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOLUTIONS = HERE / "solutions.ipynb"
RECIPIENT = "9b2f4c1e-0c7a-4d53-8d2e-3f0a61f2c9aa"
SENTINEL = "tok_SENTINEL"  # a marker to search for, not a secret


class CheckFailedError(Exception):
    """A check failed: a message for the learner and the hint id a grader would name."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class GraderStopError(BaseException):
    """Raised from the recorded sleep when an answer keeps retrying past any sane bound."""


def expect(condition: object, message: str, hint: str) -> None:
    if not condition:
        raise CheckFailedError(message, hint)


# --------------------------------------------------------------------------------------
# The trusted side's tools: a scripted gateway, a server for the learner's app, a recorder


class FlakyGateway:
    """A payment gateway on 127.0.0.1 that answers each request with the next scripted step.

    Steps: "ok" charges and answers 200; "slow" charges, then answers 200 after `delay`
    seconds; "drop" closes the connection without an answer; "400" and "402" refuse;
    "503" answers 503 with Retry-After: 2; "503:V", "429:V" and "500:V" answer that status
    with Retry-After: V ("503:" sends no Retry-After at all); "500leak" and "402leak" put a
    traceback and a token into the body. A key it has charged gets the stored answer again.
    """

    def __init__(self) -> None:
        self.delay = 1.0
        self.lock = threading.Lock()
        self.play()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.handle(self, body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def play(self, *script: str, then: str = "ok") -> None:
        with self.lock:
            self.script, self.then = list(script), then
            self.requests: list[dict[str, Any]] = []
            self.charges: list[str] = []
            self.answers: dict[str, tuple[int, dict[str, object]]] = {}

    def handle(self, handler: BaseHTTPRequestHandler, body: dict[str, object]) -> None:
        key = handler.headers.get("Idempotency-Key")
        with self.lock:
            step = self.script.pop(0) if self.script else self.then
            self.requests.append({"step": step, "key": key, "body": body})
            answer = None
            if step in ("ok", "slow"):
                answer = self.answers.get(key) if key else None
                if answer is None:
                    charge_id = f"ch_{len(self.charges) + 1}"
                    self.charges.append(charge_id)
                    answer = (
                        200,
                        {"charge_id": charge_id, "amount_cents": body.get("amount_cents")},
                    )
                    if key:
                        self.answers[key] = answer
        if step == "drop":
            return
        if step == "slow":
            time.sleep(self.delay)
        headers: dict[str, str] = {}
        text = ""
        if answer is not None:
            status, text = answer[0], json.dumps(answer[1])
        elif step == "500leak":
            status, text = 500, f"Traceback (most recent call last):\n  KeyError: token={SENTINEL}"
        elif step == "402leak":
            status, text = 402, json.dumps({"error": "card_declined", "debug": SENTINEL})
        elif ":" in step or step == "503":
            code, _, value = (step + ":2").partition(":") if step == "503" else step.partition(":")
            status, text = int(code), json.dumps({"error": "try later"})
            if value:
                headers["Retry-After"] = value
        else:
            status = int(step)
            text = json.dumps({"error": "card_declined" if status == 402 else "bad_request"})
        data = text.encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:
            pass

    def steps(self) -> list[str]:
        return [request["step"] for request in self.requests]


class AppServer:
    """Serve an ASGI app with uvicorn on 127.0.0.1, in a thread, until close()."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="critical", access_log=False, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise CheckFailedError("The app did not start under uvicorn.", "envelope_mapping")
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class SleepRecorder:
    """Stands in for every sleep between attempts: notes the seconds, sleeps not at all."""

    LIMIT = 10

    def __init__(self) -> None:
        self.waits: list[float] = []

    def note(self, seconds: float) -> None:
        self.waits.append(float(seconds))
        if len(self.waits) > self.LIMIT:
            raise GraderStopError

    async def async_sleep(self, seconds: float) -> None:
        self.note(seconds)

    def sync_sleep(self, seconds: float) -> None:
        self.note(seconds)


@dataclass
class Context:
    module: ModuleType
    gateway: FlakyGateway
    workdir: Path


# --------------------------------------------------------------------------------------
# resilience.charge


def charge_rig(context: Context) -> SleepRecorder:
    import httpx

    recorder = SleepRecorder()
    module = context.module
    module.pause = recorder.async_sleep  # type: ignore[attr-defined]
    charge = module.charge
    if hasattr(charge, "retry"):
        charge.retry.sleep = recorder.async_sleep
    module.GATEWAY_TIMEOUT = httpx.Timeout(0.3)  # type: ignore[attr-defined]
    context.gateway.delay = 1.0
    random.seed(7)  # tenacity's jitter draws from `random`: the same waits on every run
    return recorder


def outcome(result: Any) -> str:
    """A result or an exception as a learner reads it, without ports or addresses."""
    import httpx

    if isinstance(result, httpx.HTTPStatusError):
        return f"httpx.HTTPStatusError ({result.response.status_code})"
    if isinstance(result, BaseException):
        return type(result).__name__
    return repr(result)


def call_charge(context: Context, key: str = "key-fixed-0001") -> tuple[Any, list[Any]]:
    """Call the learner's charge once; return (result or exception, timeouts sent)."""
    import httpx

    timeouts: list[Any] = []

    async def note_timeout(request: httpx.Request) -> None:
        timeouts.append(request.extensions.get("timeout"))

    async def run() -> Any:
        async with httpx.AsyncClient(
            base_url=context.gateway.url,
            timeout=None,  # noqa: S113 - the learner must set the timeout on each request
            event_hooks={"request": [note_timeout]},
        ) as client:
            return await asyncio.wait_for(context.module.charge(client, 1999, key=key), 30)

    try:
        return asyncio.run(run()), timeouts
    except GraderStopError:
        return GraderStopError(), timeouts
    except Exception as error:  # the learner's outcome, judged by the caller
        return error, timeouts


def check_charge_succeeds_after_transient_failures(context: Context) -> None:
    charge_rig(context)
    context.gateway.play("503", "drop", "ok")
    result, _ = call_charge(context)
    expect(
        result == {"charge_id": "ch_1", "amount_cents": 1999},
        f"With a gateway that answered 503, then dropped the connection, then charged, charge "
        f"ended with {outcome(result)} after {len(context.gateway.requests)} requests; "
        "expected the "
        "charge after 3 requests.",
        "retry_transient",
    )


def check_charge_sends_one_key_on_every_attempt(context: Context) -> None:
    charge_rig(context)
    context.gateway.play("slow", "ok")
    result, _ = call_charge(context, key="key-fixed-0002")
    keys = [request["key"] for request in context.gateway.requests]
    expect(
        keys and all(key == "key-fixed-0002" for key in keys) and len(context.gateway.charges) == 1,
        f"charge(..., key='key-fixed-0002') sent the Idempotency-Key values {keys!r}; the "
        f"gateway made {len(context.gateway.charges)} charges "
        f"(charge ended with {outcome(result)}).",
        "key_once",
    )


def check_charge_sets_the_gateway_timeout(context: Context) -> None:
    charge_rig(context)
    context.gateway.play("ok")
    _, timeouts = call_charge(context)
    wanted = {"connect": 0.3, "read": 0.3, "write": 0.3, "pool": 0.3}
    expect(
        timeouts and all(timeout == wanted for timeout in timeouts),
        f"The grader set GATEWAY_TIMEOUT to httpx.Timeout(0.3); the requests carried the "
        f"timeouts {timeouts!r} (the client you are given has none).",
        "finite_timeout",
    )


def check_charge_does_not_retry_client_errors(context: Context) -> None:
    import httpx

    for step in ("400", "402"):
        recorder = charge_rig(context)
        context.gateway.play(step, then=step)
        result, _ = call_charge(context)
        status = result.response.status_code if isinstance(result, httpx.HTTPStatusError) else None
        expect(
            status == int(step) and len(context.gateway.requests) == 1 and not recorder.waits,
            f"With a gateway that answers {step}, charge sent {len(context.gateway.requests)} "
            f"requests, waited {recorder.waits!r} and ended with {outcome(result)}; expected one "
            f"request and httpx.HTTPStatusError for {step}.",
            "no_retry_4xx",
        )


def check_charge_stops_after_four_attempts(context: Context) -> None:
    charge_rig(context)
    context.gateway.play(then="503")
    result, _ = call_charge(context)
    sent = len(context.gateway.requests)
    expect(
        not isinstance(result, GraderStopError),
        f"With a gateway that answers 503 forever, charge was still retrying after {sent} "
        "requests.",
        "bounded_retries",
    )
    expect(
        sent == 4,
        f"With a gateway that answers 503 forever, charge sent {sent} requests, not 4.",
        "bounded_retries",
    )


def check_charge_raises_the_real_error(context: Context) -> None:
    import httpx

    for then, wanted in (("503", httpx.HTTPStatusError), ("drop", httpx.TransportError)):
        charge_rig(context)
        context.gateway.play(then=then)
        result, _ = call_charge(context)
        if isinstance(result, GraderStopError):
            raise CheckFailedError(f"charge never gave up on '{then}'.", "bounded_retries")
        expect(
            isinstance(result, wanted),
            f"When every attempt fails ('{then}'), charge raised {type(result).__name__}; "
            f"expected the last error itself, a {wanted.__name__}.",
            "reraise",
        )


def check_charge_backs_off_between_attempts(context: Context) -> None:
    recorder = charge_rig(context)
    context.gateway.play(then="503")
    call_charge(context)
    waits = recorder.waits
    expect(
        len(waits) == len(context.gateway.requests) - 1
        and all(0 <= wait <= 10 for wait in waits)
        and sum(waits) <= 30
        and any(wait > 0 for wait in waits),
        f"Between {len(context.gateway.requests)} attempts charge waited {waits!r}; expected "
        "one wait between each two attempts, each at most 10 s and not all zero, at most 30 s "
        "in all.",
        "backoff",
    )


# --------------------------------------------------------------------------------------
# resilience.retry_after


def waits_with(context: Context, script: list[str], cap: float | None = None) -> list[float]:
    """Drive a grader-side tenacity loop whose wait is the learner's; return the waits."""
    import httpx
    from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

    def retryable(error: BaseException) -> bool:
        if isinstance(error, httpx.HTTPStatusError):
            return error.response.status_code in {429, 500, 502, 503, 504}
        return isinstance(error, httpx.TransportError)

    fallback = wait_exponential(multiplier=0.5)
    make = context.module.wait_retry_after
    wait = make(fallback) if cap is None else make(fallback, cap=cap)
    recorder = SleepRecorder()
    context.gateway.play(*script)
    retrying = Retrying(
        stop=stop_after_attempt(len(script)),
        wait=wait,
        retry=retry_if_exception(retryable),
        reraise=True,
        sleep=recorder.sync_sleep,
    )
    with httpx.Client(base_url=context.gateway.url, timeout=2) as client:
        retrying(lambda: client.post("/v1/charges", json={"amount_cents": 1}).raise_for_status())
    return recorder.waits


def run_waits(
    context: Context, script: list[str], hint: str, cap: float | None = None
) -> list[float]:
    try:
        return waits_with(context, script, cap)
    except Exception as error:
        raise CheckFailedError(
            f"With the answers {script!r}, the wait raised {type(error).__name__}: {error}",
            hint,
        ) from None


def check_retry_after_seconds_are_honoured(context: Context) -> None:
    waits = run_waits(context, ["503:2", "429:7", "ok"], "honour_retry_after")
    expect(
        waits == [2.0, 7.0],
        f"After 503 with Retry-After: 2 and 429 with Retry-After: 7 the waits were {waits!r}; "
        "expected [2.0, 7.0].",
        "honour_retry_after",
    )


def check_retry_after_is_capped(context: Context) -> None:
    waits = run_waits(context, ["503:120", "ok"], "cap_retry_after")
    expect(
        waits == [30.0],
        f"Retry-After: 120 gave the wait {waits!r}; expected [30.0] (the cap).",
        "cap_retry_after",
    )
    waits = run_waits(context, ["429:7", "ok"], "cap_retry_after", cap=5.0)
    expect(
        waits == [5.0],
        f"With cap=5.0, Retry-After: 7 gave {waits!r}; expected [5.0].",
        "cap_retry_after",
    )


def check_unusable_retry_after_falls_back(context: Context) -> None:
    script = ["503:soon", "503:", "503:-1", "503:1.5", "503:Wed, 21 Oct 2015 07:28:00 GMT", "ok"]
    waits = run_waits(context, script, "fallback_wait")
    expect(
        waits == [0.5, 1.0, 2.0, 4.0, 8.0],
        f"With Retry-After values 'soon', none, '-1', '1.5' and an HTTP date the waits were "
        f"{waits!r}; expected the fallback's [0.5, 1.0, 2.0, 4.0, 8.0].",
        "fallback_wait",
    )


def check_retry_after_only_for_429_and_503(context: Context) -> None:
    waits = run_waits(context, ["500:3", "drop", "ok"], "retry_after_statuses")
    expect(
        waits == [0.5, 1.0],
        f"After a 500 with Retry-After: 3 and a dropped connection the waits were {waits!r}; "
        "expected the fallback's [0.5, 1.0].",
        "retry_after_statuses",
    )


# --------------------------------------------------------------------------------------
# resilience.idempotency_store


class SelectBarrier:
    """Make a look-up-then-write race certain: after a SELECT, hold the connection's next
    write until a second connection is at the same point (or 0.5 s have passed).

    An answer that claims a key with the write itself (INSERT ... ON CONFLICT DO NOTHING, or
    a plain INSERT that may fail) never writes after a SELECT, and is never held. One that
    looks the key up first is held until the other request has looked it up too, so both
    see no row, every time.
    """

    def __init__(self) -> None:
        self.barrier: threading.Barrier | None = None
        real_connect = sqlite3.connect

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            connection = real_connect(*args, **kwargs)
            after_select = [False]

            def hook(statement: str) -> None:
                verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
                if verb == "SELECT":
                    after_select[0] = True
                elif after_select[0] and verb in {
                    "INSERT",
                    "UPDATE",
                    "REPLACE",
                    "DELETE",
                    "COMMIT",
                }:
                    after_select[0] = False
                    self.hold()

            connection.set_trace_callback(hook)
            return connection

        sqlite3.connect = connect  # type: ignore[assignment]

    def hold(self) -> None:
        barrier = self.barrier
        if barrier is not None:
            with suppress(threading.BrokenBarrierError):
                barrier.wait()


SELECTS: SelectBarrier | None = None


def store_gateway(context: Context) -> Callable[[dict[str, object]], dict[str, object]]:
    import httpx

    def gateway(payload: dict[str, object]) -> dict[str, object]:
        with httpx.Client(base_url=context.gateway.url, timeout=5) as client:
            return client.post("/v1/charges", json=payload).raise_for_status().json()

    return gateway


def handle(
    context: Context, db: Path, user: str, key: str, payload: dict[str, object], hint: str
) -> tuple[Any, Any]:
    try:
        status, body = context.module.handle_charge(db, user, key, payload, store_gateway(context))
    except Exception as error:
        raise CheckFailedError(
            f"handle_charge(db, {user!r}, {key!r}, {payload!r}, gateway) raised "
            f"{type(error).__name__}: {error}",
            hint,
        ) from None
    return status, body


def check_store_charges_once_for_two_concurrent_requests(context: Context) -> None:
    if SELECTS is None:
        raise RuntimeError("The SQLite trace hook is not installed: run the check as a child.")
    db = context.workdir / "concurrent.db"
    context.gateway.delay = 0.3
    context.gateway.play(then="slow")
    start = threading.Barrier(2)
    SELECTS.barrier = threading.Barrier(2, timeout=0.5)

    def send(_: int) -> tuple[Any, Any]:
        start.wait()
        return handle(context, db, "u1", "k-1", {"amount_cents": 1999}, "atomic_claim")

    try:
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(send, range(2)))
    finally:
        SELECTS.barrier = None
    ok = (200, {"charge_id": "ch_1", "amount_cents": 1999})
    busy = [
        status == 409
        and isinstance(body, dict)
        and body.get("error", {}).get("type") == "request_in_progress"
        for status, body in answers
    ]
    expect(
        len(context.gateway.charges) == 1
        and all(a == ok or b for a, b in zip(answers, busy, strict=True)),
        "Two identical requests at once (user 'u1', key 'k-1') made "
        f"{len(context.gateway.charges)} "
        f"charges and got {answers!r}; expected one charge, and for the other request 409 or "
        "the stored answer.",
        "atomic_claim",
    )


def check_store_replays_the_stored_answer(context: Context) -> None:
    db = context.workdir / "replay.db"
    context.gateway.play("ok")
    first = handle(context, db, "u1", "k-2", {"amount_cents": 1999}, "replay_stored")
    second = handle(context, db, "u1", "k-2", {"amount_cents": 1999}, "replay_stored")
    expect(
        first == (200, {"charge_id": "ch_1", "amount_cents": 1999})
        and second == first
        and len(context.gateway.charges) == 1,
        f"The same request twice gave {first!r}, then {second!r}, with "
        f"{len(context.gateway.charges)} charges; expected the stored answer again and one charge.",
        "replay_stored",
    )


def check_store_refuses_a_key_reused_with_another_payload(context: Context) -> None:
    db = context.workdir / "reuse.db"
    context.gateway.play("ok")
    handle(context, db, "u1", "k-3", {"amount_cents": 1999, "currency": "EUR"}, "fingerprint")
    status, body = handle(
        context, db, "u1", "k-3", {"amount_cents": 5000, "currency": "EUR"}, "fingerprint"
    )
    kind = body.get("error", {}).get("type") if isinstance(body, dict) else None
    expect(
        status == 422
        and kind == "idempotency_key_reused"
        and body["error"].get("retryable") is False,
        f"Key 'k-3' first with 1999 cents, then with 5000 cents, got {(status, body)!r}; "
        "expected 422 with error type 'idempotency_key_reused', not retryable.",
        "fingerprint",
    )
    again = handle(
        context, db, "u1", "k-3", {"currency": "EUR", "amount_cents": 1999}, "fingerprint"
    )
    expect(
        again == (200, {"charge_id": "ch_1", "amount_cents": 1999}),
        f"The first payload again, with its keys in another order, got {again!r}; expected the "
        "stored answer: key order does not change a payload.",
        "fingerprint",
    )


def check_store_scopes_keys_by_user(context: Context) -> None:
    db = context.workdir / "users.db"
    context.gateway.play("ok", "ok")
    first = handle(context, db, "u1", "k-4", {"amount_cents": 1999}, "scope_by_user")
    second = handle(context, db, "u2", "k-4", {"amount_cents": 1999}, "scope_by_user")
    expect(
        first[1] != second[1] and len(context.gateway.charges) == 2,
        f"Users 'u1' and 'u2' both sent key 'k-4': they got {first!r} and {second!r}, with "
        f"{len(context.gateway.charges)} charges; expected two separate charges.",
        "scope_by_user",
    )


def check_store_releases_the_key_when_the_gateway_fails(context: Context) -> None:
    db = context.workdir / "release.db"
    context.gateway.play("drop", "ok")
    status, body = handle(context, db, "u1", "k-5", {"amount_cents": 1999}, "release_on_failure")
    error = body.get("error", {}) if isinstance(body, dict) else {}
    expect(
        status == 502 and error.get("type") == "gateway_error" and error.get("retryable") is True,
        f"When the gateway call raised, handle_charge returned {(status, body)!r}; expected 502 "
        "with error type 'gateway_error', retryable.",
        "release_on_failure",
    )
    again = handle(context, db, "u1", "k-5", {"amount_cents": 1999}, "release_on_failure")
    expect(
        again == (200, {"charge_id": "ch_1", "amount_cents": 1999}),
        f"Retrying with the same key after the failure got {again!r}; expected a new attempt "
        "that charges.",
        "release_on_failure",
    )


def check_store_forgets_keys_after_a_day(context: Context) -> None:
    db = context.workdir / "prune.db"
    context.gateway.play("ok", "ok", "ok")
    handle(context, db, "u1", "old", {"amount_cents": 1999}, "prune_old_keys")
    handle(context, db, "u1", "recent", {"amount_cents": 1999}, "prune_old_keys")
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE idempotency SET created_at = ? WHERE key = 'old'", (time.time() - 25 * 3600,)
        )
        connection.execute(
            "UPDATE idempotency SET created_at = ? WHERE key = 'recent'", (time.time() - 23 * 3600,)
        )
    connection.close()
    old = handle(context, db, "u1", "old", {"amount_cents": 1999}, "prune_old_keys")
    recent = handle(context, db, "u1", "recent", {"amount_cents": 1999}, "prune_old_keys")
    expect(
        old == (200, {"charge_id": "ch_3", "amount_cents": 1999})
        and recent == (200, {"charge_id": "ch_2", "amount_cents": 1999}),
        f"A key claimed 25 hours ago got {old!r} (expected a new charge, ch_3); one claimed 23 "
        f"hours ago got {recent!r} (expected its stored answer, ch_2).",
        "prune_old_keys",
    )


# --------------------------------------------------------------------------------------
# resilience.endpoint


class Keeper(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def served_app(context: Context) -> Iterator[tuple[str, Keeper]]:
    import httpx

    context.module.GATEWAY_TIMEOUT = httpx.Timeout(0.3)  # type: ignore[attr-defined]
    context.gateway.delay = 1.0
    keeper = Keeper()
    logging.getLogger("payments").addHandler(keeper)
    try:
        app = context.module.build_app(context.gateway.url)
    except Exception as error:
        raise CheckFailedError(
            f"build_app raised {type(error).__name__}: {error}", "envelope_mapping"
        ) from None
    server = AppServer(app)
    try:
        yield server.url, keeper
    finally:
        server.close()
        logging.getLogger("payments").removeHandler(keeper)


def pay(
    url: str,
    *,
    key: str | None = "key-0001",
    request_id: str | None = "req-1",
    amount: object = 1999,
) -> Any:
    import httpx

    headers = {}
    if key:
        headers["Idempotency-Key"] = key
    if request_id:
        headers["X-Request-ID"] = request_id
    body = {"amount_cents": amount, "recipient_id": RECIPIENT}
    return httpx.post(url + "/payments", json=body, headers=headers, timeout=10)


def envelope_of(response: Any) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    fields = {"type", "message", "retryable", "request_id"}
    if (
        isinstance(body, dict)
        and set(body) == {"error"}
        and isinstance(body["error"], dict)
        and set(body["error"]) == fields
    ):
        return body["error"]
    return None


FAILURES = [  # gateway step, expected status, type, retryable
    ("402", 402, "payment_refused", False),
    ("400", 402, "payment_refused", False),
    ("503", 503, "gateway_unavailable", True),
    ("slow", 504, "gateway_timeout", True),
    ("drop", 502, "gateway_unreachable", True),
]


def check_endpoint_charges_through_the_gateway(context: Context) -> None:
    with served_app(context) as (url, _):
        context.gateway.play("ok")
        response = pay(url)
        sent = context.gateway.requests
        expect(
            response.status_code == 200
            and response.json() == {"charge_id": "ch_1", "amount_cents": 1999}
            and response.headers.get("X-Request-ID") == "req-1"
            and len(sent) == 1
            and sent[0]["key"] == "key-0001"
            and sent[0]["body"] == {"amount_cents": 1999, "recipient_id": RECIPIENT},
            f"POST /payments (Idempotency-Key: key-0001, X-Request-ID: req-1) answered "
            f"{response.status_code} {response.text!r} with X-Request-ID "
            f"{response.headers.get('X-Request-ID')!r}; the gateway received {sent!r}.",
            "forward_key",
        )


def check_endpoint_requires_an_idempotency_key(context: Context) -> None:
    with served_app(context) as (url, _):
        context.gateway.play("ok")
        response = pay(url, key=None, request_id="req-2")
        error = envelope_of(response)
        expect(
            response.status_code == 400
            and error is not None
            and error["type"] == "missing_idempotency_key"
            and error["retryable"] is False
            and error["request_id"] == "req-2"
            and not context.gateway.requests,
            f"POST /payments without Idempotency-Key answered {response.status_code} "
            f"{response.text!r}, and the gateway received {len(context.gateway.requests)} "
            "requests.",
            "require_key",
        )


def check_endpoint_maps_gateway_failures(context: Context) -> None:
    with served_app(context) as (url, _):
        for step, status, kind, retryable in FAILURES:
            context.gateway.play(step, then=step)
            response = pay(url, key=f"key-{step}", request_id=f"req-{step}")
            error = envelope_of(response)
            expect(
                response.status_code == status
                and error is not None
                and error["type"] == kind
                and error["retryable"] is retryable
                and error["request_id"] == f"req-{step}"
                and isinstance(error["message"], str)
                and error["message"].strip()
                and response.headers.get("X-Request-ID") == f"req-{step}",
                f"When the gateway answered '{step}', POST /payments answered "
                f"{response.status_code} {response.text!r}; expected {status} with the envelope "
                f"{{'error': {{'type': {kind!r}, 'message': ..., 'retryable': {retryable}, "
                f"'request_id': 'req-{step}'}}}}.",
                "envelope_mapping",
            )


def check_endpoint_never_echoes_internals(context: Context) -> None:
    with served_app(context) as (url, _):
        for step in ("500leak", "402leak"):
            context.gateway.play(step, then=step)
            response = pay(url, key=f"key-{step}")
            expect(
                SENTINEL not in response.text and "Traceback" not in response.text,
                "The gateway's body held a traceback and a token; POST /payments answered "
                f"{response.text!r}.",
                "no_leak",
            )
        response = pay(url, key="key-bad", amount="lots-SENTINEL-9")
        error = envelope_of(response)
        expect(
            response.status_code == 422
            and error is not None
            and error["type"] == "invalid_request"
            and "SENTINEL" not in response.text,
            "A body with amount_cents 'lots-SENTINEL-9' got "
            f"{response.status_code} {response.text!r}; "
            "expected 422 with error type 'invalid_request', without the value sent.",
            "no_leak",
        )


def check_endpoint_makes_a_request_id(context: Context) -> None:
    with served_app(context) as (url, _):
        ids = []
        for _ in range(2):
            context.gateway.play("402")
            response = pay(url, request_id=None)
            error = envelope_of(response) or {}
            ids.append((error.get("request_id"), response.headers.get("X-Request-ID")))
        expect(
            all(body_id and body_id == header_id for body_id, header_id in ids)
            and ids[0][0] != ids[1][0],
            f"Two requests without X-Request-ID got the request ids (envelope, header) {ids!r}; "
            "expected a new id each time, the same in the envelope and the header.",
            "request_id",
        )


def check_endpoint_logs_each_failure_once(context: Context) -> None:
    with served_app(context) as (url, keeper):
        context.gateway.play("ok")
        pay(url, key="key-good", request_id="req-good")
        cases = [*((step, status) for step, status, _, _ in FAILURES), ("missing", 400)]
        for step, _ in cases:
            context.gateway.play(step, then=step)
            pay(url, key=None if step == "missing" else f"key-{step}", request_id=f"req-{step}")
        time.sleep(0.05)
        seen: dict[str, list[str]] = {}
        for record in keeper.records:
            seen.setdefault(str(getattr(record, "request_id", "?")), []).append(record.levelname)
        wanted = {
            f"req-{step}": ["ERROR" if status >= 500 else "WARNING"] for step, status in cases
        }
        expect(
            seen == wanted,
            f"Records at WARNING or above on the 'payments' logger, by request_id: {seen!r}; "
            f"expected {wanted!r} (one per failed request, none for the success).",
            "log_once",
        )


CHECKS: dict[str, list[Callable[[Context], None]]] = {
    "resilience.charge": [
        check_charge_succeeds_after_transient_failures,
        check_charge_sends_one_key_on_every_attempt,
        check_charge_sets_the_gateway_timeout,
        check_charge_does_not_retry_client_errors,
        check_charge_stops_after_four_attempts,
        check_charge_raises_the_real_error,
        check_charge_backs_off_between_attempts,
    ],
    "resilience.retry_after": [
        check_retry_after_seconds_are_honoured,
        check_retry_after_is_capped,
        check_unusable_retry_after_falls_back,
        check_retry_after_only_for_429_and_503,
    ],
    "resilience.idempotency_store": [
        check_store_charges_once_for_two_concurrent_requests,
        check_store_replays_the_stored_answer,
        check_store_refuses_a_key_reused_with_another_payload,
        check_store_scopes_keys_by_user,
        check_store_releases_the_key_when_the_gateway_fails,
        check_store_forgets_keys_after_a_day,
    ],
    "resilience.endpoint": [
        check_endpoint_charges_through_the_gateway,
        check_endpoint_requires_an_idempotency_key,
        check_endpoint_maps_gateway_failures,
        check_endpoint_never_echoes_internals,
        check_endpoint_makes_a_request_id,
        check_endpoint_logs_each_failure_once,
    ],
}


# --------------------------------------------------------------------------------------
# The child: load one answer, run its exercise's checks, print the verdicts as JSON


def child(exercise_id: str, path: Path, repeat: int) -> None:
    global SELECTS
    SELECTS = SelectBarrier()
    spec = importlib.util.spec_from_file_location("submission", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"Cannot load {path} as a module.")
    module = importlib.util.module_from_spec(spec)
    sys.modules["submission"] = module
    spec.loader.exec_module(module)
    gateway = FlakyGateway()
    verdicts: dict[str, list[list[object]]] = {}
    with tempfile.TemporaryDirectory(prefix="zendo-resilience-check-") as folder:
        for number in range(repeat):
            for check in CHECKS[exercise_id]:
                workdir = Path(folder) / f"{check.__name__}-{number}"
                workdir.mkdir()
                name = "test_" + check.__name__.removeprefix("check_")
                try:
                    check(Context(module, gateway, workdir))
                    verdict: list[object] = ["pass", None, ""]
                except CheckFailedError as failure:
                    verdict = ["fail", failure.hint, str(failure)]
                except Exception as error:  # the learner's code raised: a fail, no hint
                    verdict = ["fail", None, f"{type(error).__name__}: {error}"]
                verdicts.setdefault(name, []).append(verdict)
    print(json.dumps(verdicts))


# --------------------------------------------------------------------------------------
# The parent: which answers exist, and what each must do


@dataclass(frozen=True)
class Answer:
    label: str
    exercise_id: str
    source: str
    expect_pass: bool
    caught_by: str | None = None
    hint: str | None = None


def solution_cells() -> tuple[str, dict[str, str]]:
    cells = json.loads(SOLUTIONS.read_text(encoding="utf-8"))["cells"]
    setup, exercises = "", {}
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        if source.startswith("# setup"):
            setup += source + "\n\n"
        match = re.match(r"# exercise: (\S+)", source)
        if match:
            exercises[match.group(1)] = source
    return setup, exercises


def header(source: str, field: str) -> str | None:
    match = re.search(rf"^# {field}: (.+)$", source, re.MULTILINE)
    return match.group(1).strip() if match else None


def answers(only: str | None) -> list[Answer]:
    sys.path.insert(0, str(REPO / "src"))
    from zendo._build import reference_solution, replace_solution_regions

    _, exercises = solution_cells()
    found = []
    for exercise_id, source in exercises.items():
        found.append(Answer("reference", exercise_id, reference_solution(source), True))
        starter = replace_solution_regions(source, "solutions.ipynb")
        found.append(Answer("starter", exercise_id, starter, False, "*", "*"))
        for path in sorted((HERE / "right" / exercise_id).glob("*.py")):
            found.append(Answer(f"right/{path.stem}", exercise_id, path.read_text(), True))
        for path in sorted((HERE / "wrong" / exercise_id).glob("*.py")):
            text = path.read_text()
            found.append(
                Answer(
                    f"wrong/{path.stem}",
                    exercise_id,
                    text,
                    False,
                    header(text, "caught-by"),
                    header(text, "hint"),
                )
            )
    return [answer for answer in found if only in (None, answer.exercise_id)]


def judge(answer: Answer, verdicts: dict[str, list[list[Any]]]) -> str | None:
    """None when the answer behaved as claimed, else what went wrong."""
    unsteady = [
        name for name, runs in verdicts.items() if any(run[:2] != runs[0][:2] for run in runs)
    ]
    if unsteady:
        return f"verdicts changed between runs: {unsteady}"
    first = {name: runs[0] for name, runs in verdicts.items()}
    failed = [name for name, (status, _, _) in first.items() if status != "pass"]
    if answer.expect_pass:
        return f"failed {failed}" if failed else None
    if answer.caught_by == "*":
        passed = [name for name in first if name not in failed]
        return f"the starter passed {passed}" if passed else None
    verdict = first.get(answer.caught_by or "")
    if verdict is None:
        return f"no check named {answer.caught_by}"
    if verdict[0] != "fail" or verdict[1] != answer.hint:
        got = f"{verdict[0]} with hint {verdict[1]}"
        return f"{answer.caught_by} gave {got}, not fail with {answer.hint}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="run every check this many times")
    parser.add_argument("--exercise", help="only this exercise id")
    parser.add_argument("--child", nargs=2, metavar=("EXERCISE", "FILE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        child(arguments.child[0], Path(arguments.child[1]), arguments.repeat)
        return 0
    setup, _ = solution_cells()
    surprises = 0
    todo = answers(arguments.exercise)
    with tempfile.TemporaryDirectory(prefix="zendo-resilience-answers-") as folder:
        for answer in todo:
            path = Path(folder) / "submission.py"
            path.write_text(setup + answer.source + "\n", encoding="utf-8")
            started = time.perf_counter()
            run = subprocess.run(  # noqa: S603 - this script, with paths it wrote itself
                [
                    sys.executable, __file__, "--repeat", str(arguments.repeat),
                    "--child", answer.exercise_id, str(path),
                ],
                capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            try:
                verdicts = json.loads(run.stdout.strip().splitlines()[-1])
                problem = judge(answer, verdicts)
            except (IndexError, json.JSONDecodeError):
                verdicts, problem = {}, f"the child failed: {run.stderr.strip()[-600:]}"
            surprises += problem is not None
            mark = "ok  " if problem is None else "FAIL"
            print(
                f"{mark} {answer.exercise_id:30} {answer.label:36} {seconds:5.1f}s {problem or ''}"
            )
            if arguments.verbose:
                for name, runs in verdicts.items():
                    status, hint, message = runs[0]
                    if status != "pass":
                        print(f"       {name}: {hint} | {message}")
    print(
        f"{len(todo)} answers checked, {surprises} surprises, "
        f"each check run {arguments.repeat} time(s)"
    )
    return 1 if surprises else 0


if __name__ == "__main__":
    sys.exit(main())
