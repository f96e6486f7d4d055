# setup
import ast
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import SecretStr

from zendo.notebook import check, hint, solution


# Exercise 1: the function your tests check. While grading, this name is replaced by the
# correct version and by six broken ones, one at a time.
def split(total_minor: int, n: int) -> list[int]:
    """Split total_minor units into n whole shares that add up to it.

    The shares differ by at most one unit, and the larger shares come first. A negative
    total (a refund) is split the same way: split(-100, 3) == [-33, -33, -34].
    n below 1 raises ValueError.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    base, remainder = divmod(total_minor, n)
    return [base + 1] * remainder + [base] * (n - remainder)


# Exercise 2: the one exception a configuration loader raises.
class ConfigError(Exception):
    """Every problem of a configuration at once: one entry per bad field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} configuration problem(s): " + "; ".join(problems))


# Exercise 3: three changes waiting for their commit messages.
@dataclass(frozen=True)
class Change:
    """A file before and after a change, and words of which the subject must use one."""

    path: str
    before: str
    after: str
    keywords: tuple[str, ...]

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                f"a/{self.path}",
                f"b/{self.path}",
            )
        )


CHANGES = {
    "timeout": Change(
        "payments/gateway.py",
        'def charge(client, body):\n    return client.post("/charges", json=body)\n',
        'GATEWAY_TIMEOUT = 5.0\n\n\ndef charge(client, body):\n'
        '    return client.post("/charges", json=body, timeout=GATEWAY_TIMEOUT)\n',
        ("timeout",),
    ),
    "rounding": Change(
        "payments/money.py",
        "def to_cents(amount):\n    return int(round(amount * 100))\n",
        "from decimal import ROUND_HALF_UP, Decimal\n\n\ndef to_cents(amount: Decimal) -> int:\n"
        '    return int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)\n',
        ("round", "decimal", "cent"),
    ),
    "password_log": Change(
        "accounts/login.py",
        "def login(user, password):\n"
        '    logger.info(f"login {user} with {password}")\n    return check(user, password)\n',
        "def login(user, password):\n"
        '    logger.info("login attempt", extra={"user_id": user.id})\n'
        "    return check(user, password)\n",
        ("password", "log", "secret"),
    ),
}

# Exercise 4: a snippet that takes three shortcuts. You mark them; you do not fix them.
LEGACY = '''\
import time


def convert(amount_cents: int, gateway) -> int:
    rate = 1.08
    for _attempt in range(3):
        try:
            return gateway.send(round(amount_cents * rate))
        except Exception:
            time.sleep(2)
    return 0
'''

# Exercise 5: the function to review, the flaws a review may claim, the checklist.
FLAWED = '''\
import logging
import sqlite3

import httpx

logger = logging.getLogger(__name__)
API_KEY = "sk_live_51HqLyjWDarjtT1zdp7dc0f"


def charge(db: sqlite3.Connection, user_id: str, amount: float, card: str) -> dict:
    logger.info(f"charging card {card} for {amount}")
    row = db.execute(f"SELECT id FROM users WHERE id = '{user_id}'").fetchone()
    assert row is not None and amount > 0
    total = round(amount * 1.2, 2)
    try:
        response = httpx.post(
            "https://pay.example.com/charges",
            json={"card": card, "amount": total},
            headers={"Authorization": API_KEY},
        )
    except Exception:
        pass
    return response.json()
'''

FLAW_KINDS = {
    "hardcoded_secret": "a credential written in the source code",
    "secret_in_log": "a secret or card number written to a log",
    "sql_injection": "SQL built from input with string formatting",
    "assert_validation": "input checked with assert, which python -O removes",
    "float_money": "money held or rounded as a binary float",
    "no_timeout": "a network call that can wait forever",
    "swallowed_error": "an exception caught and silently dropped",
    "shell_injection": "a shell command built from input",
    "unsafe_deserialization": "pickle or yaml.load on data from outside",
    "mutable_default": "a mutable default argument shared between calls",
    "weak_hash": "a password hashed with a fast hash such as MD5 or SHA-1",
}
CATEGORIES = ("security", "correctness", "reliability")
CHECKLIST = {
    "inputs_validated": "Every input is validated before it is used",
    "queries_parameterized": "Every SQL query passes values as parameters",
    "no_secrets_in_code": "No secret is written in the source code",
    "no_secrets_in_logs": "No secret or card number reaches a log",
    "timeouts_on_network_calls": "Every network call has a timeout",
    "https_only": "Every outside call uses HTTPS",
    "no_shell_commands": "No shell command is built from input",
}
RUFF_SELECT = ["S", "BLE", "G", "E722", "F"]
