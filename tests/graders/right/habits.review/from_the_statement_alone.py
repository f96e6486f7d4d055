# exercise: habits.review
# right: an examiner's answer, written from the statement alone
# findings built with an add() helper; ruff codes taken from running ruff on the flawed
# code
IMPLEMENTATION = '''\
import logging
import os
import sqlite3
from decimal import ROUND_HALF_UP, Decimal

import httpx

logger = logging.getLogger(__name__)
GATEWAY_URL = "https://pay.example.com/charges"
GATEWAY_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
VAT = Decimal("1.2")


class ChargeError(Exception):
    """The charge could not be made; the caller decides whether to retry."""


def charge(db: sqlite3.Connection, user_id: str, amount: Decimal, card: str) -> dict:
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValueError("amount must be a positive Decimal")
    if not card.isdigit() or not 12 <= len(card) <= 19:
        raise ValueError("card must be 12 to 19 digits")
    row = db.execute("SELECT id FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise ValueError("unknown user")
    total = (amount * VAT).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    logger.info("charging user %s for %s", user_id, total)
    try:
        response = httpx.post(
            GATEWAY_URL,
            json={"card": card, "amount_cents": int(total * 100)},
            headers={"Authorization": os.environ["PAY_API_KEY"]},
            timeout=GATEWAY_TIMEOUT,
        )
        response.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("charge failed for user %s", user_id)
        raise ChargeError("the payment gateway failed") from error
    return response.json()
'''

findings: dict[str, list[dict[str, Any]]] = {category: [] for category in CATEGORIES}


def add(category: str, kind: str, line: int, explanation: str) -> None:
    assert kind in FLAW_KINDS and category in CATEGORIES
    findings[category].append({"kind": kind, "line": line, "explanation": explanation})


add("security", "hardcoded_secret", 7, "the live API key is committed with the source code")
add("security", "secret_in_log", 11, "the full card number is written to the log in clear")
add("security", "sql_injection", 12, "user_id is pasted into the SQL text so input can rewrite the query")
add("correctness", "assert_validation", 13, "python -O strips the assert so nothing is validated")
add("correctness", "float_money", 14, "the amount is a binary float rounded with round, losing cents")
add("reliability", "no_timeout", 16, "httpx.post has no timeout and can hang the worker forever")
add("reliability", "swallowed_error", 21, "every exception is dropped and response is then unbound")

CHECK_ANSWERS = {
    "inputs_validated": (False, "inputs are only checked by an assert"),
    "queries_parameterized": (False, "the query is built with an f-string"),
    "no_secrets_in_code": (False, "API_KEY holds a live key literal"),
    "no_secrets_in_logs": (False, "the card number is logged in clear"),
    "timeouts_on_network_calls": (False, "the httpx.post call has no timeout"),
    "https_only": (True, "the only outside call uses an https URL"),
    "no_shell_commands": (True, "the function never runs a shell command"),
}

TESTS = {
    "hardcoded_secret": "assert the source holds no literal assigned to a KEY name",
    "secret_in_log": "charge with a known card and assert caplog never contains it",
    "sql_injection": "pass a user_id with a quote and assert the users table is intact",
    "assert_validation": "assert a negative amount raises ValueError even under python -O",
    "float_money": "charge 0.29 and assert the gateway receives exactly 35 cents",
    "no_timeout": "mock httpx.post and assert every call passes a finite timeout",
    "swallowed_error": "make the gateway raise and assert charge raises ChargeError instead",
}

REVIEW: dict[str, Any] = {
    "analysis": (
        "charge looks up a user, logs the card, adds 20 percent tax and posts the charge to "
        "the gateway. It ships a live key in the source, logs the card number, builds SQL "
        "from input, validates with assert, computes money in floats, calls the network "
        "without a timeout and swallows every error, then fails on an unbound response."
    ),
    "findings": findings,
    "implementation": IMPLEMENTATION,
    "security_checklist": {
        item: {"ok": ok, "reason": reason} for item, (ok, reason) in CHECK_ANSWERS.items()
    },
    "testing_requirements": [{"kind": kind, "test": test} for kind, test in TESTS.items()],
    "ruff_compliance": ["G004", "S608", "S101", "S110", "BLE001"],
}
