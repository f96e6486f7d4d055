"""Judge-side helpers the resilience graders share: the gateway, and reading scenarios.

Everything here runs in the trusted judge. Each sandbox gets its own scripted gateway
(`zendo.judge.gateway.FlakyGateway`) on a Unix socket in its shared folder, which the
learner's process sees as `learner.inside("gateway.sock")`; the judge reads what the
gateway received straight from it. Scenario results (resilience_rig.py) come back as
plain data and are checked for shape here before any comparison. The judge's own HTTP
requests to a learner's app use `zendo.judge.served_app.post_json`.
"""

from __future__ import annotations

import weakref
from typing import Any

from zendo.judge import Handle, Learner, Observation, fail
from zendo.judge.gateway import FlakyGateway

# The real-timeout gates: the learner's timeout against a gateway step forty times
# slower, so only a stall of almost two seconds in one read could keep it from tripping.
# Only the slow request waits for the timeout (each such wait is the check's time); the
# gateway's late answer costs nothing. A quick request that a loaded machine times out as
# well is retried with the same key (charge) or is not in the test (endpoint), so it
# cannot flip a verdict either.
SHORT_TIMEOUT = 0.05
SLOW_DELAY = 2.0
# The endpoint's slow-step request times out on reading only (connecting and sending
# keep LONG_TIMEOUT), so its read timeout can be four hundred times shorter than the
# slow step: nothing but the slow answer can be late for it.
READ_TIMEOUT = 0.005
# Every other request gets a generous timeout, so a loaded machine never times one out.
LONG_TIMEOUT = 5.0

_GATEWAYS: weakref.WeakKeyDictionary[Handle, FlakyGateway] = weakref.WeakKeyDictionary()


def gateway(learner: Learner) -> FlakyGateway:
    """This sandbox's gateway, started on first use and closed when the sandbox goes."""
    module = learner.module
    if module is None:  # the fixture starts the sandbox; this keeps mypy and readers honest
        raise RuntimeError("The learner's module is not loaded.")
    served = _GATEWAYS.get(module)
    if served is None:
        served = FlakyGateway(learner.sandbox.shared / "gateway.sock", delay=SLOW_DELAY)
        weakref.finalize(module, served.close)
        _GATEWAYS[module] = served
    return served


def socket_inside(learner: Learner) -> str:
    """The gateway's socket as the learner's process sees it."""
    return learner.inside("gateway.sock")


def result(observed: Observation, what: str) -> dict[str, Any]:
    """A scenario's result as a dict; a learner exception fails the test with the call named."""
    got = observed.value
    if type(got) is not dict:
        fail(f"The grader could not read back what {what} did.")
    return got


def ended(got: dict[str, Any]) -> str:
    """How a call ended, as a learner reads it: what it returned or raised."""
    if got.get("stopped"):
        return "was still retrying when the grader stopped it"
    if "returned" in got:
        return f"returned {got['returned']!r}"
    name = got.get("raised")
    if got.get("status_error"):
        return f"raised httpx.HTTPStatusError ({got.get('status')})"
    message = got.get("message")
    return f"raised {name}" + (f": {message}" if message else "")


def waits_of(got: dict[str, Any]) -> list[float]:
    """The recorded waits, checked for shape."""
    waits = got.get("waits")
    if type(waits) is not list or not all(type(wait) is float for wait in waits):
        fail("The grader could not read back the waits between attempts.")
    return waits
