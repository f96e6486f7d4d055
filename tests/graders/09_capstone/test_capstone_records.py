"""v2 graders of capstone.payment_service's records: its logs and its database rows.

Log records are kept by the rig's handler on the root logger in the sandbox (every
level, message, arguments and `extra=` fields) and judged here. The rows are read from
the SQLite file with the judge's own connection; the judge also installs a trigger that
makes the audit insert fail, to see whether the payment row is rolled back with it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from capstone_helpers import BODY, EMAIL, execute, pay, payments_with_key, query, service, taken

from zendo.judge import Learner, exercise, expect

# What must never leave the service in a log record or a gateway request: the e-mail
# address, and its local part on its own (a masked "a***@example.org" is fine).
PERSONAL = (EMAIL, EMAIL.split("@")[0])
# An amount a float holds exactly, so a float conversion (the money check's business)
# cannot fail these checks too: each check names its own principle.
PAYMENT = {**BODY, "amount": "25.00"}
CENTS = 2500
AUDIT_DOWN = (
    "CREATE TRIGGER zendo_audit_down BEFORE INSERT ON audit "
    "BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END"
)


def leaks(record: dict[str, Any]) -> bool:
    text = json.dumps(record, default=str)
    return any(secret in text for secret in PERSONAL)


@exercise("capstone.payment_service", title="Logs are structured and carry no personal data")
def test_service_logs_without_personal_data(learner: Learner) -> None:
    gateway = service(learner).gateway
    gateway.play(then="ok")
    taken(learner)
    paid = pay(learner, PAYMENT, "capstone-log-0001")
    pay(learner, {**BODY, "amount": "lots"}, "capstone-log-0002")
    gateway.play(then="402")
    pay(learner, PAYMENT, "capstone-log-0003")
    _, records = taken(learner)
    leaked = [record for record in records if leaks(record)]
    expect(
        not leaked,
        f"{len(leaked)} log records hold the customer's e-mail address, for example "
        f"{leaked[0]['message'] if leaked else ''!r} on the logger "
        f"{leaked[0]['logger'] if leaked else ''!r}. Log ids and amounts, never an e-mail.",
        hint="no_pii",
    )
    gateway.play(then="ok")
    pay(learner, PAYMENT, "capstone-log-0004")
    sent = [request.body for request in gateway.requests]
    expect(
        not any(secret in json.dumps(body) for body in sent for secret in PERSONAL),
        "The gateway received the customer's e-mail address in a request body; send it "
        "only amount_cents, currency and recipient_id.",
        hint="no_pii",
    )
    payment_id = paid.body.get("payment_id") if type(paid.body) is dict else None
    success = [
        record
        for record in records
        if record["logger"] == "payments"
        and record["level"] == logging.INFO
        and record["extras"].get("payment_id") == payment_id
        and record["extras"].get("amount_cents") == CENTS
    ]
    expect(
        paid.status == 200 and type(payment_id) is int and bool(success),
        f"The successful payment (answer {paid.shown()}) logged no INFO record on the "
        "'payments' logger with the fields payment_id and amount_cents in extra=. The "
        "records were: "
        f"{[(r['logger'], logging.getLevelName(r['level']), r['message']) for r in records][:6]!r}.",
        hint="structured_log",
    )


@exercise(
    "capstone.payment_service",
    title="The payment and its audit row are written together or not at all",
)
def test_service_records_payment_and_audit_in_one_transaction(learner: Learner) -> None:
    gateway = service(learner).gateway
    gateway.play(then="ok")
    answer = pay(learner, PAYMENT, "capstone-tx-0001")
    payments = payments_with_key(learner, "capstone-tx-0001")
    audits = query(
        learner,
        "SELECT a.event, a.amount_cents FROM audit a JOIN payments p ON p.id = a.payment_id "
        "WHERE p.idempotency_key = ?",
        "capstone-tx-0001",
    )
    expect(
        answer.status == 200 and len(payments) == 1 and audits == [("charged", CENTS)],
        f"A successful payment answered {answer.shown()} and left {len(payments)} payment "
        f"rows and the audit rows {audits!r}; expected one payment row and one audit row "
        "('charged', 2500) for it.",
        hint="one_transaction",
    )

    execute(learner, AUDIT_DOWN)
    try:
        failed = pay(learner, PAYMENT, "capstone-tx-0002")
        left = payments_with_key(learner, "capstone-tx-0002")
    finally:
        execute(learner, "DROP TRIGGER IF EXISTS zendo_audit_down")
    expect(
        failed.is_envelope(500, "storage_error", retryable=True) and not left,
        "With the audit table refusing every insert, POST /payments answered "
        f"{failed.shown()} and left {len(left)} payment rows for that key; expected 500 "
        "with the error type 'storage_error', retryable true, and no payment row: write "
        "both rows in one transaction and roll it back when either fails.",
        hint="one_transaction",
    )
    retried = pay(learner, PAYMENT, "capstone-tx-0002")
    rows = payments_with_key(learner, "capstone-tx-0002")
    audits = query(
        learner,
        "SELECT a.amount_cents FROM audit a JOIN payments p ON p.id = a.payment_id "
        "WHERE p.idempotency_key = ?",
        "capstone-tx-0002",
    )
    expect(
        retried.status == 200 and len(rows) == 1 and audits == [(CENTS,)],
        f"The client's retry, once the audit table worked again, answered {retried.shown()} "
        f"and left {len(rows)} payment rows and the audit rows {audits!r}; expected 200, "
        "one payment and its audit row.",
        hint="one_transaction",
    )
