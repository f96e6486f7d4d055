"""v2 graders of resilience.endpoint: a FastAPI payment endpoint, exercised over real HTTP.

Once per sandbox the scenario (resilience_rig.serve) points the setup cell's
GATEWAY_SOCKET at the judge's gateway, builds the learner's app and serves it with
uvicorn on a Unix socket in the shared folder. The judge then sends each request itself
over that socket (zendo.judge.served_app.post_json), reads status, headers and body (at most
1 MB), and reads
what reached the gateway from the gateway. Only the log records come from the sandbox:
a handler on the `payments` logger keeps (level, request_id) of each record.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any

from resilience_helpers import (
    LONG_TIMEOUT,
    READ_TIMEOUT,
    SLOW_DELAY,
    gateway,
    result,
    socket_inside,
)
from resilience_rig import rig

from zendo.judge import Handle, Learner, exercise, expect, fail, grader_imports
from zendo.judge.served_app import SERVED_APP_IMPORTS, post_json

# What the rig makes the sandbox import, which a spare imports ahead, off the clock.
grader_imports("resilience.endpoint", *SERVED_APP_IMPORTS)

RECIPIENT = "9b2f4c1e-0c7a-4d53-8d2e-3f0a61f2c9aa"
SENTINEL = "tok_SENTINEL"  # a marker the gateway's leak steps send, not a secret
MAX_BODY = 1_000_000
FAILURES = [  # gateway step, expected status, type, retryable
    ("402", 402, "payment_refused", False),
    ("400", 402, "payment_refused", False),
    ("503", 503, "gateway_unavailable", True),
    ("slow", 504, "gateway_timeout", True),
    ("drop", 502, "gateway_unreachable", True),
]
ENVELOPE_FIELDS = {"type", "message", "retryable", "request_id"}

# The module whose app is being served (one sandbox at a time), and the app's socket.
_SERVED: list[tuple[Handle, str]] = []
CALL_SECONDS = 5.0  # the judge's limit on each wait of one request to the learner's app


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def json(self) -> object:
        try:
            return json.loads(self.text)
        except ValueError:
            return None

    def envelope(self) -> dict[str, Any] | None:
        """`error` of a body that is exactly {"error": {type, message, retryable, request_id}}."""
        body = self.json()
        if type(body) is dict and set(body) == {"error"}:
            error = body["error"]
            if type(error) is dict and set(error) == ENVELOPE_FIELDS:
                return error
        return None

    def shown(self) -> str:
        return f"{self.status} {self.text[:300]!r}"


def serve(learner: Learner) -> Handle:
    """Serve the learner's app once per sandbox; the rig's handle for later calls."""
    helper, module = rig(learner)
    if not _SERVED or _SERVED[0][0] is not module:
        got = result(
            helper.call("serve", module, socket_inside(learner), learner.inside("app.sock")),
            "build_app(gateway_url)",
        )
        if got.get("started") is not True:
            fail(
                f"build_app(gateway_url) could not be served by uvicorn: {got.get('raised')} "
                f"{got.get('message')}".strip(),
                hint="envelope_mapping",
            )
        _SERVED[:] = [(module, str(learner.sandbox.shared / "app.sock"))]
    set_timeout(learner, LONG_TIMEOUT)
    logged(helper)  # forget the records of earlier tests
    return helper


def app_socket(learner: Learner) -> str:
    """The socket of the app `serve` started for this learner's sandbox."""
    if not _SERVED or _SERVED[0][0] is not learner.module:
        raise RuntimeError("Call serve(learner) before sending requests to the app.")
    return _SERVED[0][1]


def set_timeout(learner: Learner, seconds: float, read: float | None = None) -> None:
    """Set the setup cell's GATEWAY_TIMEOUT, which the app reads when it sends.

    `read`: a shorter timeout for reading the gateway's answer only (the slow step's
    request): connecting and sending keep `seconds`, so a loaded machine cannot time
    them out, and the slow step answers SLOW_DELAY later, far past the read timeout.
    """
    helper, module = rig(learner)
    _ = helper.call("set_timeout", module, seconds, read).value


def set_step_timeout(learner: Learner, step: str) -> str:
    """GATEWAY_TIMEOUT for a request that meets `step`; what a message says of it."""
    if step == "slow":
        set_timeout(learner, LONG_TIMEOUT, read=READ_TIMEOUT)
        return f" (GATEWAY_TIMEOUT's read {READ_TIMEOUT} s, the gateway {SLOW_DELAY:g} s)"
    set_timeout(learner, LONG_TIMEOUT)
    return ""


def pay(
    learner: Learner,
    *,
    key: str | None = "key-0001",
    request_id: str | None = "req-1",
    amount: object = 1999,
) -> Reply:
    """POST /payments to the learner's app over its Unix socket, as a client would."""
    headers = {}
    if key:
        headers["Idempotency-Key"] = key
    if request_id:
        headers["X-Request-ID"] = request_id
    body = {"amount_cents": amount, "recipient_id": RECIPIENT}
    try:
        status, received, data = post_json(
            app_socket(learner), "/payments", body, headers, timeout=CALL_SECONDS,
            limit=MAX_BODY + 1,
        )  # fmt: skip
    except (OSError, http.client.HTTPException) as error:
        fail(
            f"POST /payments to your app got no answer ({type(error).__name__}).",
            hint="envelope_mapping",
        )
    return Reply(status, received, data.decode("utf-8", "replace"))


def logged(helper: Handle) -> dict[str, list[str]]:
    """The records at WARNING or above since the last look, levels by request_id."""
    seen = helper.call("records").value
    if type(seen) is not list:
        fail("The grader could not read back the records on the 'payments' logger.")
    by_id: dict[str, list[str]] = {}
    for entry in seen:
        if type(entry) is not list or len(entry) != 2 or not all(type(x) is str for x in entry):
            fail("The grader could not read back the records on the 'payments' logger.")
        by_id.setdefault(entry[1], []).append(entry[0])
    return by_id


@exercise("resilience.endpoint", title="A payment goes through with the client's key")
def test_endpoint_charges_through_the_gateway(learner: Learner) -> None:
    serve(learner)
    served = gateway(learner)
    served.play("ok")
    reply = pay(learner)
    sent = [(r.key, r.body) for r in served.requests]
    expect(
        reply.status == 200
        and reply.json() == {"charge_id": "ch_1", "amount_cents": 1999}
        and reply.headers.get("X-Request-ID") == "req-1"
        and sent == [("key-0001", {"amount_cents": 1999, "recipient_id": RECIPIENT})],
        "POST /payments (Idempotency-Key: key-0001, X-Request-ID: req-1) answered "
        f"{reply.shown()} with X-Request-ID {reply.headers.get('X-Request-ID')!r}; the gateway "
        f"received (key, body) {sent!r}.",
        hint="forward_key",
    )


@exercise("resilience.endpoint", title="No Idempotency-Key, no charge")
def test_endpoint_requires_an_idempotency_key(learner: Learner) -> None:
    serve(learner)
    served = gateway(learner)
    served.play("ok")
    reply = pay(learner, key=None, request_id="req-2")
    error = reply.envelope()
    expect(
        reply.status == 400
        and error is not None
        and error["type"] == "missing_idempotency_key"
        and error["retryable"] is False
        and error["request_id"] == "req-2"
        and not served.requests,
        f"POST /payments without Idempotency-Key answered {reply.shown()}, and the gateway "
        f"received {len(served.requests)} requests; expected 400 missing_idempotency_key "
        "before any gateway call.",
        hint="require_key",
    )


@exercise("resilience.endpoint", title="Each gateway failure leaves as its envelope")
def test_endpoint_maps_gateway_failures(learner: Learner) -> None:
    serve(learner)
    for step, status, kind, retryable in FAILURES:
        gateway(learner).play(step, then=step)
        waited = set_step_timeout(learner, step)
        reply = pay(learner, key=f"key-{step}", request_id=f"req-{step}")
        error = reply.envelope()
        expect(
            reply.status == status
            and error is not None
            and error["type"] == kind
            and error["retryable"] is retryable
            and error["request_id"] == f"req-{step}"
            and type(error["message"]) is str
            and bool(error["message"].strip())
            and reply.headers.get("X-Request-ID") == f"req-{step}",
            f"When the gateway answered {step!r}{waited}"
            + f", POST /payments answered {reply.shown()}; expected {status} with the envelope "
            f"{{'error': {{'type': {kind!r}, 'message': ..., 'retryable': {retryable}, "
            f"'request_id': 'req-{step}'}}}} and the same X-Request-ID header.",
            hint="envelope_mapping",
        )


@exercise("resilience.endpoint", title="No gateway body, traceback or sent value in an answer")
def test_endpoint_never_echoes_internals(learner: Learner) -> None:
    serve(learner)
    for step in ("500leak", "402leak"):
        gateway(learner).play(step, then=step)
        reply = pay(learner, key=f"key-{step}")
        expect(
            SENTINEL not in reply.text and "Traceback" not in reply.text,
            f"The gateway's body held a traceback and a token; POST /payments answered "
            f"{reply.shown()}.",
            hint="no_leak",
        )
    reply = pay(learner, key="key-bad", amount="lots-SENTINEL-9")
    error = reply.envelope()
    expect(
        reply.status == 422
        and error is not None
        and error["type"] == "invalid_request"
        and "SENTINEL" not in reply.text,
        f"A body with amount_cents 'lots-SENTINEL-9' got {reply.shown()}; expected 422 with "
        "error type 'invalid_request', without the value sent.",
        hint="no_leak",
    )


@exercise("resilience.endpoint", title="A request without X-Request-ID gets a new id")
def test_endpoint_makes_a_request_id(learner: Learner) -> None:
    serve(learner)
    ids = []
    for _ in range(2):
        gateway(learner).play("402")
        reply = pay(learner, request_id=None)
        error = reply.envelope() or {}
        ids.append((error.get("request_id"), reply.headers.get("X-Request-ID")))
    expect(
        all(type(body) is str and body and body == header for body, header in ids)
        and ids[0][0] != ids[1][0],
        f"Two requests without X-Request-ID got the request ids (envelope, header) {ids!r}; "
        "expected a new id each time, the same in the envelope and the header.",
        hint="request_id",
    )


@exercise("resilience.endpoint", title="Each failure is logged once, at its level")
def test_endpoint_logs_each_failure_once(learner: Learner) -> None:
    helper = serve(learner)
    gateway(learner).play("ok")
    pay(learner, key="key-good", request_id="req-good")
    cases = [*((step, status) for step, status, _, _ in FAILURES), ("missing", 400)]
    for step, _ in cases:
        script = "ok" if step == "missing" else step
        gateway(learner).play(script, then=script)
        set_step_timeout(learner, step)
        pay(learner, key=None if step == "missing" else f"key-{step}", request_id=f"req-{step}")
    seen = logged(helper)
    wanted = {f"req-{step}": ["ERROR" if status >= 500 else "WARNING"] for step, status in cases}
    expect(
        seen == wanted,
        f"Records at WARNING or above on the 'payments' logger, by request_id: {seen!r}; "
        f"expected {wanted!r} (one per failed request, none for the success).",
        hint="log_once",
    )
