"""v2 graders of resilience.charge: bounded retries, one key, a real timeout, the real error.

The judge scripts its gateway (resilience_helpers.gateway) and counts what it received;
the scenario (resilience_rig.charge) builds the learner's client on the gateway's socket
with no timeout of its own, sets GATEWAY_TIMEOUT, replaces `pause` and tenacity's sleep
with a recorder (nothing sleeps; more than ten waits stop the call) and awaits
`charge(client, 1999, key=...)`. The timeout gate is real: the gateway's slow step
answers forty times later than the learner's timeout.
"""

from __future__ import annotations

from typing import Any

from resilience_helpers import (
    LONG_TIMEOUT,
    SHORT_TIMEOUT,
    ended,
    gateway,
    result,
    socket_inside,
    waits_of,
)
from resilience_rig import rig

from zendo.judge import Learner, exercise, expect, fail, grader_imports

# What the rig's first httpx request loads in the sandbox (httpx imports its transport
# lazily): about 25 ms of a warm check, which a spare pays ahead, off the clock.
grader_imports("resilience.charge", "httpcore", "h11", "anyio._backends._asyncio")

KEY = "key-fixed-0001"
CHARGED = {"charge_id": "ch_1", "amount_cents": 1999}


def call_charge(
    learner: Learner, *steps: str, then: str = "ok", key: str = KEY, timeout: float = LONG_TIMEOUT
) -> dict[str, Any]:
    """Script the gateway, await the learner's charge once, and return what the rig saw."""
    helper, module = rig(learner)
    served = gateway(learner)
    served.play(*steps, then=then)
    got = result(
        helper.call("charge", module, socket_inside(learner), key, timeout),
        f"charge(client, 1999, key={key!r})",
    )
    waits_of(got)
    return got


@exercise("resilience.charge", title="A charge goes through after a 503 and a dropped connection")
def test_charge_succeeds_after_transient_failures(learner: Learner) -> None:
    got = call_charge(learner, "503", "drop", "ok")
    sent = len(gateway(learner).requests)
    expect(
        got.get("returned") == CHARGED,
        "With a gateway that answered 503, then dropped the connection, then charged, "
        f"charge {ended(got)} after {sent} requests; expected {CHARGED!r} after 3 requests.",
        hint="retry_transient",
    )


@exercise("resilience.charge", title="Every attempt sends the same Idempotency-Key")
def test_charge_sends_one_key_on_every_attempt(learner: Learner) -> None:
    got = call_charge(learner, "slow", "ok", key="key-fixed-0002", timeout=SHORT_TIMEOUT)
    served = gateway(learner)
    keys = [request.key for request in served.requests]
    expect(
        bool(keys) and all(key == "key-fixed-0002" for key in keys) and len(served.charges) == 1,
        f"With GATEWAY_TIMEOUT at {SHORT_TIMEOUT} s and a gateway that charged but answered "
        f"too late, charge(..., key='key-fixed-0002') sent the Idempotency-Key values {keys!r}; "
        f"the gateway made {len(served.charges)} charges (charge {ended(got)}).",
        hint="key_once",
    )


@exercise("resilience.charge", title="Every request carries GATEWAY_TIMEOUT")
def test_charge_sets_the_gateway_timeout(learner: Learner) -> None:
    got = call_charge(learner, "ok", timeout=4.5)
    timeouts = got.get("timeouts")
    wanted = {"connect": 4.5, "read": 4.5, "write": 4.5, "pool": 4.5}
    expect(
        type(timeouts) is list and bool(timeouts) and all(t == wanted for t in timeouts),
        "The grader set GATEWAY_TIMEOUT to httpx.Timeout(4.5) and gave charge a client with "
        f"no timeout; the requests carried the timeouts {timeouts!r}.",
        hint="finite_timeout",
    )


@exercise("resilience.charge", title="A 400 or a 402 is raised after one request")
def test_charge_does_not_retry_client_errors(learner: Learner) -> None:
    for step in ("400", "402"):
        got = call_charge(learner, then=step)
        sent = len(gateway(learner).requests)
        waits = waits_of(got)
        expect(
            got.get("status_error") is True
            and got.get("status") == int(step)
            and sent == 1
            and not waits,
            f"With a gateway that answers {step}, charge sent {sent} requests, waited "
            f"{waits!r} and {ended(got)}; expected one request, no wait, and "
            f"httpx.HTTPStatusError for {step}.",
            hint="no_retry_4xx",
        )


@exercise("resilience.charge", title="At most four attempts")
def test_charge_stops_after_four_attempts(learner: Learner) -> None:
    got = call_charge(learner, then="503")
    sent = len(gateway(learner).requests)
    if got.get("stopped"):
        fail(
            f"With a gateway that answers 503 forever, charge was still retrying after {sent} "
            "requests, when the grader stopped it.",
            hint="bounded_retries",
        )
    expect(
        sent == 4,
        f"With a gateway that answers 503 forever, charge sent {sent} requests, not 4.",
        hint="bounded_retries",
    )


@exercise("resilience.charge", title="The last attempt's own error reaches the caller")
def test_charge_raises_the_real_error(learner: Learner) -> None:
    for then, flag, wanted in (
        ("503", "status_error", "httpx.HTTPStatusError"),
        ("drop", "transport_error", "httpx.TransportError"),
    ):
        got = call_charge(learner, then=then)
        if got.get("stopped"):
            fail(f"charge never gave up on a gateway that answers {then!r} forever.",
                 hint="bounded_retries")  # fmt: skip
        expect(
            got.get(flag) is True,
            f"When every attempt fails ({then!r}), charge {ended(got)}; expected the last "
            f"error itself, an {wanted}.",
            hint="reraise",
        )


@exercise("resilience.charge", title="It backs off between attempts")
def test_charge_backs_off_between_attempts(learner: Learner) -> None:
    got = call_charge(learner, then="503")
    sent = len(gateway(learner).requests)
    waits = waits_of(got)
    expect(
        len(waits) == sent - 1
        and all(0 <= wait <= 10 for wait in waits)
        and sum(waits) <= 30
        and any(wait > 0 for wait in waits),
        f"Between {sent} attempts charge waited {waits!r}; expected one wait between each "
        "two attempts, each at most 10 s and not all zero, at most 30 s in all.",
        hint="backoff",
    )
