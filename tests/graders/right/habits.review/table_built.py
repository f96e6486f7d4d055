# exercise: habits.review
# right: findings, checklist and requirements built from compact tables with loops
FOUND = [
    # (category, kind, line, explanation, test)
    ("security", "hardcoded_secret", 7, "the API key literal is committed to the repository",
     "the code reads the key from the environment, never from a literal"),
    ("security", "secret_in_log", 11, "the log line contains the whole card number",
     "a charge logs no part of the card number at any level"),
    ("security", "sql_injection", 12, "the user id is formatted into the SQL string",
     "a user id containing a quote cannot change the query result"),
    ("security", "assert_validation", 13, "an assert guards the amount and disappears with -O",
     "a negative amount raises ValueError even when run with python -O"),
    ("correctness", "float_money", 14, "the total is computed and rounded as a float",
     "an amount with half a cent rounds half up in Decimal arithmetic"),
    ("reliability", "no_timeout", 18, "this request has no timeout so it may never return",
     "a gateway that never answers makes charge fail within five seconds"),
    ("correctness", "swallowed_error", 21, "every exception is caught and thrown away here",
     "a transport error from the gateway reaches the caller as an exception"),
]

findings: dict[str, list[dict[str, Any]]] = {}
for category, kind, line, explanation, _ in FOUND:
    findings.setdefault(category, []).append({"kind": kind, "line": line, "explanation": explanation})

met = {"https_only", "no_shell_commands"}
reasons = {
    "inputs_validated": "an assert is the only check",
    "queries_parameterized": "the SQL is built with an f-string",
    "no_secrets_in_code": "API_KEY holds a literal key",
    "no_secrets_in_logs": "the card is in the log message",
    "timeouts_on_network_calls": "httpx.post is called without timeout",
    "https_only": "the one URL starts with https",
    "no_shell_commands": "no subprocess or os.system call",
}

lines = [
    "import logging",
    "import os",
    "import sqlite3",
    "from decimal import Decimal",
    "",
    "import httpx",
    "",
    "logger = logging.getLogger(__name__)",
    "",
    "",
    "def charge(db: sqlite3.Connection, user_id: str, amount: Decimal, card: str) -> dict:",
    "    if amount <= 0:",
    "        raise ValueError('the amount must be positive')",
    "    if db.execute('SELECT 1 FROM users WHERE id = ?', (user_id,)).fetchone() is None:",
    "        raise KeyError(user_id)",
    "    total = (amount * Decimal('1.2')).quantize(Decimal('0.01'))",
    "    logger.info('charging user', extra={'user_id': user_id})",
    "    response = httpx.post(",
    "        'https://pay.example.com/charges',",
    "        json={'card': card, 'amount': str(total)},",
    "        headers={'Authorization': os.environ['PAY_API_KEY']},",
    "        timeout=5.0,",
    "    )",
    "    response.raise_for_status()",
    "    return response.json()",
]

REVIEW = {
    "analysis": " ".join([
        "charge() validates nothing properly, trusts its input inside SQL, leaks secrets",
        "into code and logs, computes money with floats, waits on the network without",
        "limit and silently discards failures, after which it crashes on an unbound name.",
    ]),
    "findings": findings,
    "implementation": "\n".join(lines) + "\n",
    "security_checklist": {item: {"ok": item in met, "reason": reasons[item]} for item in CHECKLIST},
    "testing_requirements": [{"kind": kind, "test": test} for _, kind, _, _, test in FOUND],
    "ruff_compliance": sorted(["G004", "S608", "S101", "S110", "BLE001"]),
}
