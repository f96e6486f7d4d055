"""v2 graders of resilience.idempotency_store: one charge per key, even under a race.

The scenario (resilience_rig.store and .race) calls the learner's `handle_charge` on a
new SQLite file in the sandbox's /tmp for each scenario, with a `gateway(payload)` that POSTs to the judge's
gateway without a key, so every call is a new charge the judge counts itself. In the
race, two threads are released together and a trace hook holds the next write after any
SELECT until the other thread has looked up too (or 0.5 s passed): a look-up-then-insert
answer then charges twice on every run, whatever the scheduler does.
"""

from __future__ import annotations

from typing import Any

from resilience_helpers import gateway, socket_inside
from resilience_rig import rig

from zendo.judge import Learner, exercise, expect, fail

PAYMENT = {"amount_cents": 1999}
RACE_DELAY = 0.05  # the first charge may still run when the second arrives; either way passes


def charged(number: int) -> tuple[int, dict[str, object]]:
    return 200, {"charge_id": f"ch_{number}", "amount_cents": 1999}


def answers(learner: Learner, db: str, calls: list[list[Any]], hint: str) -> list[object]:
    """Run the calls in turn on a new store file named `db`; what each handle_charge returned."""
    helper, module = rig(learner)
    got = helper.call("store", module, socket_inside(learner), db, calls).value
    if type(got) is not list or len(got) != sum(1 for c in calls if c[0] == "charge"):
        fail("The grader could not read back what handle_charge returned.")
    returned: list[object] = []
    for call, outcome in zip([c for c in calls if c[0] == "charge"], got, strict=True):
        if type(outcome) is not dict:
            fail("The grader could not read back what handle_charge returned.")
        if "returned" not in outcome:
            _, user, key, payload = call
            fail(
                f"handle_charge(db, {user!r}, {key!r}, {payload!r}, gateway) raised "
                f"{outcome.get('raised')}: {outcome.get('message')}",
                hint=hint,
            )
        returned.append(outcome["returned"])
    return returned


def error_of(answer: object) -> dict[str, Any]:
    """The `error` object of an envelope answer, or {}."""
    if type(answer) is tuple and len(answer) == 2 and type(answer[1]) is dict:
        error = answer[1].get("error")
        if type(error) is dict:
            return error
    return {}


def status_of(answer: object) -> object:
    return answer[0] if type(answer) is tuple and len(answer) == 2 else None


@exercise("resilience.idempotency_store", title="Two identical requests at once charge once")
def test_store_charges_once_for_two_concurrent_requests(learner: Learner) -> None:
    helper, module = rig(learner)
    served = gateway(learner)
    served.play(then="slow", delay=RACE_DELAY)
    outcomes = helper.call(
        "race", module, socket_inside(learner), "race.db", "u1", "k-1", PAYMENT
    ).value
    if (
        type(outcomes) is not list
        or len(outcomes) != 2
        or not all(type(o) is dict and "returned" in o for o in outcomes)
    ):
        fail(
            "Two identical requests at once (user 'u1', key 'k-1'): handle_charge did not "
            f"return for both: {outcomes!r}.",
            hint="atomic_claim",
        )
    returned = [o["returned"] for o in outcomes]
    fine = [
        a == charged(1)
        or (status_of(a) == 409 and error_of(a).get("type") == "request_in_progress")
        for a in returned
    ]
    expect(
        len(served.charges) == 1 and all(fine),
        f"Two identical requests at once (user 'u1', key 'k-1') made {len(served.charges)} "
        f"charges and got {returned!r}; expected one charge, and for the other request 409 "
        "request_in_progress or the stored answer.",
        hint="atomic_claim",
    )


@exercise("resilience.idempotency_store", title="A repeat gets the stored answer")
def test_store_replays_the_stored_answer(learner: Learner) -> None:
    served = gateway(learner)
    served.play("ok")
    call = ["charge", "u1", "k-2", PAYMENT]
    first, second = answers(learner, "replay.db", [call, call], "replay_stored")
    expect(
        first == charged(1) and second == first and len(served.charges) == 1,
        f"The same request twice gave {first!r}, then {second!r}, with {len(served.charges)} "
        "charges; expected the stored answer again and one charge.",
        hint="replay_stored",
    )


@exercise("resilience.idempotency_store", title="A key reused with another payload is a 422")
def test_store_refuses_a_key_reused_with_another_payload(learner: Learner) -> None:
    gateway(learner).play("ok")
    first = {"amount_cents": 1999, "currency": "EUR"}
    other = {"amount_cents": 5000, "currency": "EUR"}
    reordered = {"currency": "EUR", "amount_cents": 1999}
    _, reused, again = answers(
        learner,
        "reuse.db",
        [["charge", "u1", "k-3", first], ["charge", "u1", "k-3", other],
         ["charge", "u1", "k-3", reordered]],
        "fingerprint",
    )  # fmt: skip
    error = error_of(reused)
    expect(
        status_of(reused) == 422
        and error.get("type") == "idempotency_key_reused"
        and error.get("retryable") is False,
        f"Key 'k-3' first with 1999 cents, then with 5000 cents, got {reused!r}; expected 422 "
        "with error type 'idempotency_key_reused', not retryable.",
        hint="fingerprint",
    )
    expect(
        again == charged(1),
        f"The first payload again, with its keys in another order, got {again!r}; expected "
        "the stored answer: key order does not change a payload.",
        hint="fingerprint",
    )


@exercise("resilience.idempotency_store", title="Keys belong to their user")
def test_store_scopes_keys_by_user(learner: Learner) -> None:
    served = gateway(learner)
    served.play("ok", "ok")
    first, second = answers(
        learner,
        "users.db",
        [["charge", "u1", "k-4", PAYMENT], ["charge", "u2", "k-4", PAYMENT]],
        "scope_by_user",
    )
    expect(
        first == charged(1) and second == charged(2) and len(served.charges) == 2,
        f"Users 'u1' and 'u2' both sent key 'k-4': they got {first!r} and {second!r}, with "
        f"{len(served.charges)} charges; expected two separate charges.",
        hint="scope_by_user",
    )


@exercise("resilience.idempotency_store", title="A failed charge releases its key")
def test_store_releases_the_key_when_the_gateway_fails(learner: Learner) -> None:
    gateway(learner).play("drop", "ok")
    call = ["charge", "u1", "k-5", PAYMENT]
    failed, again = answers(learner, "release.db", [call, call], "release_on_failure")
    error = error_of(failed)
    expect(
        status_of(failed) == 502
        and error.get("type") == "gateway_error"
        and error.get("retryable") is True,
        f"When the gateway call raised, handle_charge returned {failed!r}; expected 502 with "
        "error type 'gateway_error', retryable.",
        hint="release_on_failure",
    )
    expect(
        again == charged(1),
        f"Retrying with the same key after the failure got {again!r}; expected a new attempt "
        "that charges.",
        hint="release_on_failure",
    )


@exercise("resilience.idempotency_store", title="Keys are forgotten after 24 hours")
def test_store_forgets_keys_after_a_day(learner: Learner) -> None:
    gateway(learner).play("ok", "ok", "ok")
    old, recent = ["charge", "u1", "old", PAYMENT], ["charge", "u1", "recent", PAYMENT]
    _, _, old_again, recent_again = answers(
        learner,
        "prune.db",
        [old, recent, ["age", "old", 25], ["age", "recent", 23], old, recent],
        "prune_old_keys",
    )
    expect(
        old_again == charged(3) and recent_again == charged(2),
        f"A key claimed 25 hours ago got {old_again!r} (expected a new charge, ch_3); one "
        f"claimed 23 hours ago got {recent_again!r} (expected its stored answer, ch_2).",
        hint="prune_old_keys",
    )
