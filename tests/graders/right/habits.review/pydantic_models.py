# exercise: habits.review
# right: the review is a pydantic model, dumped to a plain dict; findings at other valid lines and categories
from pydantic import BaseModel


class Finding(BaseModel):
    kind: str
    line: int
    explanation: str


class Check(BaseModel):
    ok: bool
    reason: str


class Requirement(BaseModel):
    kind: str
    test: str


class Review(BaseModel):
    analysis: str
    findings: dict[str, list[Finding]]
    implementation: str
    security_checklist: dict[str, Check]
    testing_requirements: list[Requirement]
    ruff_compliance: list[str]


FIXED = """\
from decimal import Decimal
import logging
import os
import sqlite3

import httpx

log = logging.getLogger(__name__)


def charge(db: sqlite3.Connection, user_id: str, amount_cents: int, card: str) -> dict:
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError("amount_cents must be a positive whole number of cents")
    found = db.execute("SELECT id FROM users WHERE id = :id", {"id": user_id}).fetchone()
    if found is None:
        raise LookupError("no such user")
    total_cents = (Decimal(amount_cents) * Decimal("1.2")).to_integral_value()
    log.info("charge requested", extra={"user_id": user_id})
    with httpx.Client(timeout=httpx.Timeout(5.0)) as client:
        reply = client.post(
            "https://pay.example.com/charges",
            json={"card": card, "amount_cents": int(total_cents)},
            headers={"Authorization": os.environ["PAY_API_KEY"]},
        )
    reply.raise_for_status()
    return reply.json()
"""

review = Review(
    analysis=(
        "The function charges a card for a user. Its problems: a live key committed to the "
        "repository, card numbers in the logs, a query open to injection, validation by "
        "assert, float money, a call without a timeout and an error handler that hides "
        "every failure."
    ),
    findings={
        "security": [
            Finding(kind="hardcoded_secret", line=19, explanation="the header uses a key committed to git"),
            Finding(kind="secret_in_log", line=11, explanation="full card numbers end up in log files"),
            Finding(kind="sql_injection", line=12, explanation="an f-string builds the SQL from user_id"),
        ],
        "correctness": [
            Finding(kind="assert_validation", line=13, explanation="asserts vanish when Python runs optimised"),
            Finding(kind="float_money", line=10, explanation="amount is typed as a binary float here"),
            Finding(kind="swallowed_error", line=22, explanation="pass hides the error and response is unbound later"),
        ],
        "reliability": [
            Finding(kind="no_timeout", line=20, explanation="the post call has no timeout argument at all"),
        ],
    },
    implementation=FIXED,
    security_checklist={
        "inputs_validated": Check(ok=False, reason="assert is not validation at all"),
        "queries_parameterized": Check(ok=False, reason="the query is an f-string"),
        "no_secrets_in_code": Check(ok=False, reason="a live key is in the source"),
        "no_secrets_in_logs": Check(ok=False, reason="card numbers are logged in clear"),
        "timeouts_on_network_calls": Check(ok=False, reason="the post call never times out"),
        "https_only": Check(ok=True, reason="the gateway URL is https"),
        "no_shell_commands": Check(ok=True, reason="nothing here runs a shell"),
    },
    testing_requirements=[
        Requirement(kind=kind, test=f"a regression test proves that {kind} cannot happen again")
        for kind in ["hardcoded_secret", "secret_in_log", "sql_injection", "assert_validation",
                     "float_money", "no_timeout", "swallowed_error"]
    ],
    ruff_compliance=["S608", "S101", "G004", "BLE001", "S110"],
)

REVIEW = review.model_dump()
