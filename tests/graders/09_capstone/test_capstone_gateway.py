"""v2 graders of capstone.payment_service towards its gateway: timeouts, retries, keys.

The judge scripts its own gateway (capstone_helpers) and counts the requests and charges
it received; the rig in the sandbox swaps the setup cell's SLEEP for a recorder, so the
waits between attempts are numbers, not time. The timeout gates are real: the gateway's
slow step answers four hundred times later than the read timeout the attempt meeting it
has (the learner's GATEWAY_TIMEOUT when every step is slow; when quick steps follow, the
rig's transport cuts that one attempt's read, and the quick ones keep a long timeout).
"""

from __future__ import annotations

import time

from capstone_helpers import (
    BODY,
    CUT_OFF_TIMEOUT,
    LONG_TIMEOUT,
    SLOW_DELAY,
    cut_next_read,
    pay,
    payments_with_key,
    service,
    set_timeout,
    taken,
)

from zendo.judge import Learner, exercise, expect

MAX_ATTEMPTS = 3


@exercise("capstone.payment_service", title="A slow gateway is cut off by a timeout")
def test_service_times_out_a_slow_gateway(learner: Learner) -> None:
    gateway = service(learner).gateway
    gateway.play(then="slow")
    set_timeout(learner, LONG_TIMEOUT, read=CUT_OFF_TIMEOUT)
    started = time.monotonic()
    try:
        answer = pay(learner, BODY, "capstone-timeout-0001")
    finally:
        set_timeout(learner, LONG_TIMEOUT)
    seconds = time.monotonic() - started
    expect(
        answer.is_envelope(504, "gateway_timeout", retryable=True),
        f"With GATEWAY_TIMEOUT's read timeout at {CUT_OFF_TIMEOUT} s and a gateway that "
        f"answers only after "
        f"{SLOW_DELAY} s, POST /payments answered {answer.shown()} after {seconds:.1f} s "
        f"and {len(gateway.requests)} gateway requests; expected 504 with the error type "
        "'gateway_timeout', retryable true, once every attempt has timed out.",
        hint="finite_timeout",
    )


@exercise("capstone.payment_service", title="Transient failures are retried with backoff")
def test_service_retries_transient_failures(learner: Learner) -> None:
    gateway = service(learner).gateway
    taken(learner)
    gateway.play("503", "drop", then="ok")
    answer = pay(learner, BODY, "capstone-retry-0001")
    waits, _ = taken(learner)
    keys = [request.key for request in gateway.requests]
    expect(
        answer.status == 200 and len(gateway.requests) == 3 and len(gateway.charges) == 1,
        "With a gateway that answered 503, then dropped the connection, then charged, "
        f"POST /payments answered {answer.shown()} after {len(gateway.requests)} gateway "
        "requests; expected 200 after 3 requests and one charge.",
        hint="retry_transient",
    )
    expect(
        len(waits) == len(keys) - 1
        and all(0 <= wait <= 5 for wait in waits)
        and any(wait > 0 for wait in waits),
        f"Between its {len(keys)} attempts the service waited {waits!r} (through pause); "
        "expected one wait between each two attempts, each at most 5 s, not all zero.",
        hint="backoff",
    )

    gateway.play(then="402")
    answer = pay(learner, BODY, "capstone-retry-0002")
    waits, _ = taken(learner)
    expect(
        answer.is_envelope(402, "payment_refused", retryable=False)
        and len(gateway.requests) == 1
        and not waits,
        f"With a gateway that declines the card (402), POST /payments answered "
        f"{answer.shown()} after {len(gateway.requests)} gateway requests and the waits "
        f"{waits!r}; expected 402 with the error type 'payment_refused' after exactly one "
        "request: a refusal is never retried.",
        hint="no_retry_refusal",
    )

    gateway.play(then="503")
    answer = pay(learner, BODY, "capstone-retry-0003")
    waits, _ = taken(learner)
    expect(
        answer.is_envelope(503, "gateway_unavailable", retryable=True)
        and len(gateway.requests) == MAX_ATTEMPTS,
        f"With a gateway that answers 503 every time, POST /payments answered "
        f"{answer.shown()} after {len(gateway.requests)} gateway requests; expected 503 "
        f"with the error type 'gateway_unavailable' after exactly {MAX_ATTEMPTS} attempts.",
        hint="bounded_retries",
    )


@exercise("capstone.payment_service", title="The idempotency key prevents a second charge")
def test_service_is_idempotent(learner: Learner) -> None:
    gateway = service(learner).gateway
    gateway.play(then="ok")
    first = pay(learner, BODY, "capstone-key-0001")
    keys = [request.key for request in gateway.requests]
    expect(
        first.status == 200 and keys == ["capstone-key-0001"],
        f"POST /payments with Idempotency-Key 'capstone-key-0001' answered {first.shown()}; "
        f"the gateway received the keys {keys!r}; expected 200 and the client's key "
        "forwarded to the gateway.",
        hint="forward_key",
    )
    again = pay(learner, BODY, "capstone-key-0001")
    rows = payments_with_key(learner, "capstone-key-0001")
    expect(
        again.status == 200
        and again.body == first.body
        and len(gateway.requests) == 1
        and len(rows) == 1,
        f"The same request sent again answered {again.shown()} (the first answer was "
        f"{first.shown()}); the gateway received {len(gateway.requests)} requests in all "
        f"and the payments table holds {len(rows)} rows with that key; expected the first "
        "answer again, no new gateway request and one row.",
        hint="replay_stored",
    )

    # A client retry after a timeout: the gateway charged the first attempt but answered
    # too late. Whether the service retries on its own or the client sends the request
    # again, the same key must reach the gateway, and the gateway charges once. The first
    # attempt's read is cut short; the attempts after it keep the long timeout.
    gateway.play("slow", then="ok")
    cut_next_read(learner, CUT_OFF_TIMEOUT)
    try:
        answer = pay(learner, BODY, "capstone-key-0002")
        if answer.status != 200:
            answer = pay(learner, BODY, "capstone-key-0002")
    finally:
        cut_next_read(learner, None)  # unused if the service never called the gateway
    keys = [request.key for request in gateway.requests]
    expect(
        answer.status == 200 and len(gateway.charges) == 1,
        f"With a gateway that charged but answered too late, the payment ended "
        f"{answer.shown()} after {len(keys)} gateway requests with the keys {keys!r}, and "
        f"the gateway made {len(gateway.charges)} charges; expected 200 and exactly one "
        "charge: send the client's key on every attempt.",
        hint="forward_key",
    )
