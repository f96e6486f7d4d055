# exercise: habits.review
# wrong: the fixed version still calls the gateway without a timeout
# caught-by: test_review_implementation
# hint: implementation_flawed
IMPLEMENTATION = '''\
import logging
import os
import sqlite3
from decimal import ROUND_HALF_UP, Decimal

import httpx

logger = logging.getLogger(__name__)
GATEWAY_TIMEOUT = 5.0


class ChargeError(Exception):
    """The charge could not be made; the message says why, without card data."""


def charge(db: sqlite3.Connection, user_id: str, amount: Decimal, card: str) -> dict:
    if amount <= 0:
        raise ValueError("amount must be greater than 0")
    row = db.execute("SELECT id FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise ValueError("unknown user")
    total = (amount * Decimal("1.2")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    logger.info("charging", extra={"user_id": user_id, "amount": str(total)})
    try:
        response = httpx.post(
            "https://pay.example.com/charges",
            json={"card": card, "amount": str(total)},
            headers={"Authorization": os.environ["PAY_API_KEY"]},
        )
        response.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("charge failed", extra={"user_id": user_id})
        raise ChargeError("the payment gateway did not accept the charge") from error
    return response.json()
'''

REVIEW: dict[str, Any] = {
    "analysis": (
        "charge() looks the user up, logs the charge, adds 20 per cent and posts the card "
        "to the gateway. It leaks the card and the API key, lets input rewrite the query, "
        "rounds money as a float, can hang forever and hides every gateway error."
    ),
    "findings": {
        "security": [
            {"kind": "hardcoded_secret", "line": 7, "explanation": "the live API key is in the source"},
            {"kind": "secret_in_log", "line": 11, "explanation": "the card number goes to the log"},
            {"kind": "sql_injection", "line": 12, "explanation": "user_id is pasted into the SQL text"},
            {"kind": "assert_validation", "line": 13, "explanation": "python -O removes this check entirely"},
        ],
        "correctness": [
            {"kind": "float_money", "line": 14, "explanation": "round() on a float loses cents"},
        ],
        "reliability": [
            {"kind": "no_timeout", "line": 16, "explanation": "httpx.post without a timeout can hang"},
            {"kind": "swallowed_error", "line": 21, "explanation": "every error is dropped, then response is unbound"},
        ],
    },
    "implementation": IMPLEMENTATION,
    "security_checklist": {
        "inputs_validated": {"ok": False, "reason": "only an assert checks the amount"},
        "queries_parameterized": {"ok": False, "reason": "user_id is formatted into SQL"},
        "no_secrets_in_code": {"ok": False, "reason": "API_KEY is a literal live key"},
        "no_secrets_in_logs": {"ok": False, "reason": "the card number is logged"},
        "timeouts_on_network_calls": {"ok": False, "reason": "httpx.post has no timeout"},
        "https_only": {"ok": True, "reason": "the only URL uses https"},
        "no_shell_commands": {"ok": True, "reason": "no shell is started at all"},
    },
    "testing_requirements": [
        {"kind": "hardcoded_secret", "test": "the key is read from the environment at call time"},
        {"kind": "secret_in_log", "test": "caplog holds no card number after a charge"},
        {"kind": "sql_injection", "test": "a user_id of x' OR '1'='1 finds no user"},
        {"kind": "assert_validation", "test": "a zero amount raises ValueError under python -O"},
        {"kind": "float_money", "test": "an amount of 2.675 is charged as 3.21 exactly"},
        {"kind": "no_timeout", "test": "a gateway that never answers raises within the timeout"},
        {"kind": "swallowed_error", "test": "a gateway error surfaces as ChargeError to the caller"},
    ],
    "ruff_compliance": ["BLE001", "G004", "S101", "S110", "S608"],
}
