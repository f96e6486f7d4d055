"""Throwaway checks for the security exercise drafts, until the real graders land.

Proves that the drafts behave as claimed: the reference solution passes every check,
the untouched starter (built with `zendo build`'s own code) fails, each known wrong
answer fails the check named in its `# caught-by:` line with the hint named in its
`# hint:` line, and each right answer passes everything.

It is NOT a grader: it runs each candidate in a plain subprocess (no sandbox), with the
checks in the same process as the candidate. The real graders (Grading v2) must make
the same observations from the trusted side; drafts/04_security/graders.md says how.

Usage (from the repository root):
    .venv/bin/python drafts/04_security/check_drafts.py            # everything
    .venv/bin/python drafts/04_security/check_drafts.py security.queries
    .venv/bin/python drafts/04_security/check_drafts.py --payloads   # the table in graders.md
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOLUTIONS = HERE / "solutions.ipynb"
EXERCISES = [
    "security.transfer_request",
    "security.settings",
    "security.queries",
    "security.passwords",
    "security.dangerous_apis",
]


# ---------------------------------------------------------------- the check registry


class CheckFailure(Exception):  # noqa: N818 (a failed check, not an error)
    """A check failed: a message for the learner and the id of the hint to show."""

    def __init__(self, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.hint = hint


def expect(condition: object, message: str, hint: str | None) -> None:
    if not condition:
        raise CheckFailure(message, hint)


Check = Callable[[Any, Path], None]
CHECKS: dict[str, dict[str, Check]] = {exercise: {} for exercise in EXERCISES}


def check(exercise: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[exercise][function.__name__] = function
        return function

    return register


def ruff_codes(path: Path, first_line: int, select: str) -> list[str]:
    """Ruff findings (code and cell line) in the exercise cell; `# noqa` is ignored."""
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--ignore-noqa",
            "--select",
            select,
            "--output-format",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    return [
        f"{f['code']} (cell line {f['location']['row'] - first_line + 1})"
        for f in findings
        if f["location"]["row"] >= first_line
    ]


def cell_tree(module: Any) -> ast.Module:
    return ast.parse(module.CELL_SOURCE)


@contextlib.contextmanager
def captured() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


def raised(call: Callable[[], object]) -> BaseException | None:
    try:
        call()
    except Exception as error:
        return error
    return None


# ---------------------------------------------------------------- 1. transfer_request

VALID = {
    "amount": "19.99",
    "currency": "EUR",
    "beneficiary_email": "alice@example.com",
}


def validation_error(model: Any, data: dict[str, object]) -> Any:
    from pydantic import ValidationError

    try:
        model.model_validate(data)
    except ValidationError as error:
        return error
    return None


@check("security.transfer_request")
def test_valid_request_is_normalised(m: Any, tmp: Path) -> None:
    request = m.TransferRequest.model_validate(
        {
            "amount": "19.99",
            "currency": "EUR",
            "beneficiary_email": "alice@example.com",
            "reference": "  rent for March  ",
        }
    )
    from decimal import Decimal

    expect(
        type(request.amount) is Decimal and request.amount == Decimal("19.99"),
        f"amount '19.99' came back as {request.amount!r}, not Decimal('19.99').",
        "decimal_amount",
    )
    expect(
        request.reference == "rent for March",
        f"reference '  rent for March  ' came back as {request.reference!r}.",
        "reference_rules",
    )
    default = m.TransferRequest.model_validate(VALID)
    expect(
        default.reference == "",
        f"reference defaults to {default.reference!r}, not ''.",
        "reference_rules",
    )


@check("security.transfer_request")
def test_currency_is_normalised_then_checked(m: Any, tmp: Path) -> None:
    for sent, wanted in [(" eur ", "EUR"), ("usd", "USD"), ("GBP", "GBP")]:
        error = validation_error(m.TransferRequest, {**VALID, "currency": sent})
        expect(
            error is None,
            f"currency {sent!r} was refused; it should become {wanted!r}.",
            "pattern_runs_first",
        )
        got = m.TransferRequest.model_validate({**VALID, "currency": sent}).currency
        expect(
            got == wanted,
            f"currency {sent!r} came back as {got!r}, not {wanted!r}.",
            "pattern_runs_first",
        )
    for sent in ["EURO", "E1R", "EU", "", "€UR"]:
        error = validation_error(m.TransferRequest, {**VALID, "currency": sent})
        expect(
            error is not None and error.errors()[0]["loc"] == ("currency",),
            f"currency {sent!r} was accepted; only three letters A-Z are.",
            "currency_rules",
        )


@check("security.transfer_request")
def test_email_rules(m: Any, tmp: Path) -> None:
    for sent in ["a@b", "not-an-email", ".@-.x", "alice\n@example.com"]:
        error = validation_error(m.TransferRequest, {**VALID, "beneficiary_email": sent})
        expect(
            error is not None and error.errors()[0]["loc"] == ("beneficiary_email",),
            f"beneficiary_email {sent!r} was accepted.",
            "use_emailstr",
        )
    got = m.TransferRequest.model_validate(
        {**VALID, "beneficiary_email": " Alice@Example.COM "}
    ).beneficiary_email
    expect(
        got == "alice@example.com",
        f"beneficiary_email ' Alice@Example.COM ' came back as {got!r}.",
        "lower_whole_email",
    )


@check("security.transfer_request")
def test_amount_rules(m: Any, tmp: Path) -> None:
    cases = [
        ("19.999", "decimal_max_places"),
        ("0", "greater_than"),
        ("-5", "greater_than"),
        ("12345678901.23", "decimal_max_digits"),
    ]
    for sent, wanted in cases:
        error = validation_error(m.TransferRequest, {**VALID, "amount": sent})
        got = None if error is None else error.errors()[0]["type"]
        expect(
            got == wanted,
            f"amount {sent!r} gave error type {got!r}, not {wanted!r}.",
            "decimal_amount",
        )
    expect(
        validation_error(m.TransferRequest, {**VALID, "amount": "1234567890.12"}) is None,
        "amount '1234567890.12' (12 digits) was refused.",
        "decimal_amount",
    )


@check("security.transfer_request")
def test_reference_rules(m: Any, tmp: Path) -> None:
    for sent in ["rent\nDROP", "null\x00byte", "bell\x07", "x" * 141]:
        error = validation_error(m.TransferRequest, {**VALID, "reference": sent})
        expect(
            error is not None and error.errors()[0]["loc"] == ("reference",),
            f"reference {sent[:20]!r} was accepted.",
            "reference_rules",
        )
    ok = validation_error(m.TransferRequest, {**VALID, "reference": "  " + "x" * 140 + "  "})
    expect(
        ok is None,
        "a 140-character reference with spaces around it was refused.",
        "reference_rules",
    )


@check("security.transfer_request")
def test_unknown_fields_rejected(m: Any, tmp: Path) -> None:
    error = validation_error(m.TransferRequest, {**VALID, "role": "admin"})
    got = None if error is None else [e["type"] for e in error.errors()]
    expect(got == ["extra_forbidden"], f"an unknown field 'role' gave {got!r}.", "extra_forbid")


@check("security.transfer_request")
def test_errors_hide_input(m: Any, tmp: Path) -> None:
    bad = {
        "amount": "SENTINEL-1",
        "currency": "SENTINEL-2",
        "beneficiary_email": "sentinel-3-at-example",
        "reference": "SENTINEL-4\x00",
    }
    for field, value in bad.items():
        error = validation_error(m.TransferRequest, {**VALID, field: value})
        expect(error is not None, f"{field} {value!r} was accepted.", None)
        shown = (str(error) + repr(error)).lower()
        expect(
            value.lower().rstrip("\x00") not in shown,
            f"the error for {field} shows the rejected input {value!r}.",
            "hide_input",
        )


@check("security.transfer_request")
def test_json_body_follows_the_rules(m: Any, tmp: Path) -> None:
    body = json.dumps(
        {
            "amount": "5.10",
            "currency": " usd ",
            "beneficiary_email": "Bob@Example.org",
            "reference": "x",
        }
    )
    request = m.TransferRequest.model_validate_json(body)
    expect(
        (str(request.amount), request.currency, request.beneficiary_email)
        == ("5.10", "USD", "bob@example.org"),
        f"model_validate_json gave {request!r}.",
        "pattern_runs_first",
    )
    from pydantic import ValidationError

    error = raised(lambda: m.TransferRequest.model_validate_json(json.dumps({**VALID, "x": 1})))
    expect(
        isinstance(error, ValidationError),
        "a JSON body with an unknown field was accepted.",
        "extra_forbid",
    )


@check("security.transfer_request")
def test_no_pydantic_v1_api(m: Any, tmp: Path) -> None:
    # Only a model that does its job earns this check: the untouched starter must fail.
    refused = validation_error(m.TransferRequest, {**VALID, "amount": "0"})
    expect(
        refused is not None, "write the model first: it accepts an amount of 0.", "decimal_amount"
    )
    tree = cell_tree(m)
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    used = sorted(names & {"validator", "root_validator", "constr"})
    configs = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name == "Config"
    ]
    expect(
        not used and not configs,
        f"your cell uses pydantic v1 API: {used + configs}.",
        "pydantic_v2_api",
    )


# ---------------------------------------------------------------- 2. settings

KEY = "pk_test_SENTINEL_0123456789"
OTHER_KEY = "pk_test_SENTINEL_rotated_98765"
DB_URL = "postgresql://app:db-SENTINEL-pw@db.invalid/app"
VARIABLES = ("PAY_API_KEY", "DATABASE_URL", "REQUEST_TIMEOUT_SECONDS")


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in VARIABLES}
    for name in VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def load(m: Any) -> Any:
    with captured():
        return m.load_settings()


def secret(value: object) -> object:
    reveal = getattr(value, "get_secret_value", None)
    return reveal() if callable(reveal) else value


@check("security.settings")
def test_settings_read_from_environment(m: Any, tmp: Path) -> None:
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL):
        settings = load(m)
    from pydantic import SecretStr

    for attribute, wanted in [("pay_api_key", KEY), ("database_url", DB_URL)]:
        value = getattr(settings, attribute)
        expect(
            isinstance(value, SecretStr),
            f"settings.{attribute} is a {type(value).__name__}, not a SecretStr.",
            "secret_str",
        )
        expect(
            value.get_secret_value() == wanted,
            f"settings.{attribute}.get_secret_value() is not the value in the environment.",
            None,
        )
    expect(
        settings.request_timeout_seconds == 5.0,
        f"request_timeout_seconds defaults to {settings.request_timeout_seconds!r}.",
        "timeout_rules",
    )
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL, REQUEST_TIMEOUT_SECONDS="2.5"):
        timeout = load(m).request_timeout_seconds
    expect(
        timeout == 2.5 and isinstance(timeout, float),
        f"REQUEST_TIMEOUT_SECONDS='2.5' gave {timeout!r}.",
        "timeout_rules",
    )


@check("security.settings")
def test_missing_secret_fails_fast(m: Any, tmp: Path) -> None:
    for missing, present in [
        ("PAY_API_KEY", {"DATABASE_URL": DB_URL}),
        ("DATABASE_URL", {"PAY_API_KEY": KEY}),
    ]:
        with environment(**present):
            error = raised(lambda: load(m))
        expect(
            error is not None,
            f"load_settings() returned settings without {missing}: no default for secrets.",
            "no_default_secret",
        )
        expect(
            missing.lower() in str(error).lower(),
            f"without {missing}, the error does not name it: {str(error)[:120]!r}",
            "name_the_variable",
        )


@check("security.settings")
def test_blank_secret_is_missing(m: Any, tmp: Path) -> None:
    for name in ("PAY_API_KEY", "DATABASE_URL"):
        for blank in ("", "   "):
            values = {"PAY_API_KEY": KEY, "DATABASE_URL": DB_URL, name: blank}
            with environment(**values):
                error = raised(lambda: load(m))
            expect(error is not None, f"{name}={blank!r} was accepted as a secret.", "blank_secret")
            expect(
                name.lower() in str(error).lower(),
                f"the error for {name}={blank!r} does not name it.",
                "name_the_variable",
            )


@check("security.settings")
def test_errors_never_echo(m: Any, tmp: Path) -> None:
    short = "pk_SENTINEL_13"
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL):
        working = raised(lambda: load(m))
    expect(working is None, f"valid settings raised {type(working).__name__}.", None)
    with environment(PAY_API_KEY=short, DATABASE_URL=DB_URL):
        error = raised(lambda: load(m))
    expect(error is not None, "a 14-character PAY_API_KEY was accepted.", "key_length")
    expect(
        short not in str(error) + repr(error),
        "the error for a short PAY_API_KEY shows the key.",
        "hide_input",
    )
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL, REQUEST_TIMEOUT_SECONDS="abc"):
        error = raised(lambda: load(m))
    shown = str(error) + repr(error)
    expect(
        KEY not in shown and DB_URL not in shown,
        "the error for a bad REQUEST_TIMEOUT_SECONDS shows a secret.",
        "hide_input",
    )


@check("security.settings")
def test_secrets_never_shown(m: Any, tmp: Path) -> None:
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL):
        settings = load(m)
    shown = repr(settings) + str(settings)
    expect(
        KEY not in shown and "db-SENTINEL-pw" not in shown,
        "repr() or str() of the settings shows a secret.",
        "secret_str",
    )


@check("security.settings")
def test_load_settings_prints_nothing(m: Any, tmp: Path) -> None:
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL), captured() as output:
        m.load_settings()
    expect(
        output.getvalue() == "",
        f"load_settings() wrote {len(output.getvalue())} characters of output.",
        "never_print",
    )


@check("security.settings")
def test_rotation(m: Any, tmp: Path) -> None:
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL):
        first = secret(load(m).pay_api_key)
    with environment(PAY_API_KEY=OTHER_KEY, DATABASE_URL=DB_URL):
        second = secret(load(m).pay_api_key)
    expect(
        first == KEY and second == OTHER_KEY,
        "after PAY_API_KEY changed, load_settings() still returned the old key.",
        "rotation",
    )


@check("security.settings")
def test_invalid_timeout_rejected(m: Any, tmp: Path) -> None:
    with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL, REQUEST_TIMEOUT_SECONDS="60"):
        working = raised(lambda: load(m))
    expect(
        working is None,
        f"REQUEST_TIMEOUT_SECONDS='60' raised {type(working).__name__}.",
        "timeout_rules",
    )
    for value in ("abc", "0", "-1", "61"):
        with environment(PAY_API_KEY=KEY, DATABASE_URL=DB_URL, REQUEST_TIMEOUT_SECONDS=value):
            error = raised(lambda: load(m))
        expect(
            error is not None, f"REQUEST_TIMEOUT_SECONDS={value!r} was accepted.", "timeout_rules"
        )


# ---------------------------------------------------------------- 3. queries

USERS = [
    (1, "alice@example.com", "2026-01-05"),
    (2, "admin@example.com", "2026-01-01"),
    (3, "o'brien@example.com", "2026-02-11"),
    (4, "a_b@example.com", "2026-03-02"),
    (5, "axb@example.com", "2026-03-09"),
    (6, "50%off@example.com", "2026-04-01"),
    (7, "50xoff@example.com", "2026-04-02"),
    (8, "c\\d@example.com", "2026-05-01"),
    (9, "cd@example.com", "2026-05-02"),
]
PAYLOADS = [
    "' OR '1'='1",
    "nobody@example.com' OR '1'='1",
    "x' UNION SELECT 1, sqlite_version(), 3 --",
    "x'; DROP TABLE users; --",
]


def database(m: Any, tmp: Path) -> tuple[Path, sqlite3.Connection]:
    path = tmp / f"users-{time.monotonic_ns()}.db"
    with contextlib.closing(sqlite3.connect(path)) as setup:
        setup.execute(m.USERS_SCHEMA)
        setup.executemany("INSERT INTO users VALUES (?, ?, ?)", USERS)
        setup.commit()
    return path, sqlite3.connect(path)


def table_intact(path: Path) -> bool:
    with contextlib.closing(sqlite3.connect(path)) as fresh:
        return (
            fresh.execute("SELECT id, email, created_at FROM users ORDER BY id").fetchall() == USERS
        )


def rows(users: object) -> object:
    if isinstance(users, list):
        return [(u.id, u.email, u.created_at) for u in users]
    return users


def query_hint(error: BaseException) -> str | None:
    if isinstance(error, sqlite3.ProgrammingError) and "number of bindings" in str(error):
        return "params_tuple"
    if isinstance(error, sqlite3.Error):
        return "parameterise"
    return None


@check("security.queries")
def test_find_user_exact(m: Any, tmp: Path) -> None:
    _path, conn = database(m, tmp)
    with contextlib.closing(conn):
        for email, wanted in [
            ("alice@example.com", USERS[0]),
            ("o'brien@example.com", USERS[2]),
            ("nobody@example.com", None),
            ("ALICE@example.com", None),
        ]:
            try:
                user = m.find_user(conn, email)
            except Exception as error:
                raise CheckFailure(
                    f"find_user(conn, {email!r}) raised {type(error).__name__}: {error}",
                    query_hint(error),
                ) from None
            got = None if user is None else (user.id, user.email, user.created_at)
            expect(got == wanted, f"find_user(conn, {email!r}) gave {user!r}.", "parameterise")
            expect(
                user is None or isinstance(user, m.User),
                f"find_user returned a {type(user).__name__}, not a User.",
                "return_users",
            )


@check("security.queries")
def test_find_user_resists_injection(m: Any, tmp: Path) -> None:
    path, conn = database(m, tmp)
    with contextlib.closing(conn):
        for payload in PAYLOADS:
            error = raised(lambda payload=payload, conn=conn: m.find_user(conn, payload))
            expect(
                error is None,
                f"find_user(conn, {payload!r}) raised "
                f"{type(error).__name__}: the payload reached the SQL text.",
                "parameterise",
            )
            found = m.find_user(conn, payload)
            expect(found is None, f"find_user(conn, {payload!r}) found {found!r}.", "parameterise")
    expect(table_intact(path), "the users table changed.", "parameterise")


@check("security.queries")
def test_search_prefix_is_literal(m: Any, tmp: Path) -> None:
    path, conn = database(m, tmp)
    every = sorted(USERS, key=lambda row: row[1])
    cases = [
        ("a_b", [USERS[3]]),
        ("50%", [USERS[5]]),
        ("c\\d", [USERS[7]]),
        ("o'b", [USERS[2]]),
        ("", every),
        ("zzz' OR 1=1 --", []),
        ("x'; DROP TABLE users; --", []),
    ]
    with contextlib.closing(conn):
        for prefix, wanted in cases:
            try:
                got = rows(m.search_users(conn, prefix))
            except Exception as error:
                raise CheckFailure(
                    f"search_users(conn, {prefix!r}) raised {type(error).__name__}: {error}",
                    query_hint(error),
                ) from None
            expect(
                got == wanted,
                f"search_users(conn, {prefix!r}) gave {got!r}, expected {wanted!r}.",
                "like_escape",
            )
    expect(table_intact(path), "the users table changed.", "parameterise")


@check("security.queries")
def test_order_by_allowlist(m: Any, tmp: Path) -> None:
    path, conn = database(m, tmp)
    a_users = [USERS[0], USERS[1], USERS[3], USERS[4]]
    with contextlib.closing(conn):
        for order_by, key in [("email", 1), ("created_at", 2)]:
            got = rows(m.search_users(conn, "a", order_by=order_by))
            wanted = sorted(a_users, key=lambda row, key=key: row[key])
            expect(
                got == wanted,
                f"search_users(conn, 'a', order_by={order_by!r}) gave "
                f"{got!r}, expected {wanted!r}.",
                "identifier_allowlist",
            )
        for order_by in ["id", "EMAIL", "email; DROP TABLE users", "created_at DESC"]:
            statements: list[str] = []
            conn.set_trace_callback(statements.append)
            error = raised(
                lambda order_by=order_by, conn=conn: m.search_users(conn, "a", order_by=order_by)
            )
            conn.set_trace_callback(None)
            expect(
                isinstance(error, ValueError),
                f"order_by={order_by!r} gave "
                f"{type(error).__name__ if error else 'no error'}, not ValueError.",
                "identifier_allowlist",
            )
            expect(
                not statements,
                f"order_by={order_by!r} ran SQL before it was refused: {statements[:1]!r}",
                "identifier_allowlist",
            )
    # The same observation without a trace callback (which v2 cannot install): on a
    # closed connection, any SQL run before the check raises ProgrammingError instead.
    closed = sqlite3.connect(path)
    closed.close()
    error = raised(lambda: m.search_users(closed, "a", order_by="id"))
    expect(
        isinstance(error, ValueError),
        f"order_by='id' on a closed connection gave {type(error).__name__}, not ValueError: "
        "the allowlist must be checked before any SQL runs.",
        "identifier_allowlist",
    )
    expect(table_intact(path), "the users table changed.", "parameterise")


@check("security.queries")
def test_no_sql_string_building(m: Any, tmp: Path) -> None:
    _path, conn = database(m, tmp)
    with contextlib.closing(conn):
        found = raised(lambda: m.find_user(conn, "alice@example.com"))
        listed = raised(lambda: m.search_users(conn, "a"))
    expect(found is None and listed is None, "write find_user and search_users first.", None)
    codes = ruff_codes(m.SUBMISSION_PATH, m.CELL_FIRST_LINE, "S608")
    expect(not codes, f"ruff finds SQL built from strings: {codes}.", "one_constant_statement")


# ---------------------------------------------------------------- 4. passwords

PASSWORD = "placeholder-pw-SENTINEL"  # noqa: S105 (a test sentinel)
HASHES: dict[str, str] = {}


def learner_hash(m: Any, slot: str) -> str:
    # The learner's hash is slow on purpose: make it twice per run, not once per check.
    if slot not in HASHES:
        HASHES[slot] = m.hash_password(PASSWORD)
    return HASHES[slot]


def cheap_fixture(password: str) -> str:
    # Cheap parameters: the cost is not what these checks are about.
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


@check("security.passwords")
def test_hash_is_argon2id(m: Any, tmp: Path) -> None:
    stored = learner_hash(m, "first")
    expect(
        isinstance(stored, str) and stored.startswith("$argon2id$v=19$"),
        f"hash_password gave {str(stored)[:24]!r}..., not an Argon2id PHC string.",
        "slow_hash",
    )


@check("security.passwords")
def test_cost_meets_owasp(m: Any, tmp: Path) -> None:
    from argon2 import extract_parameters

    stored = learner_hash(m, "first")
    try:
        parameters = extract_parameters(stored)
    except Exception:
        raise CheckFailure("the hash's parameters cannot be read.", "slow_hash") from None
    got = (parameters.memory_cost, parameters.time_cost, parameters.parallelism)
    expect(
        got[0] >= 19456 and got[1] >= 2 and got[2] >= 1,
        f"the hash uses m={got[0]}, t={got[1]}, p={got[2]}; OWASP's minimum is m=19456, t=2, p=1.",
        "owasp_minimum",
    )


@check("security.passwords")
def test_hash_is_salted(m: Any, tmp: Path) -> None:
    first, second = learner_hash(m, "first"), learner_hash(m, "second")
    expect(
        first != second, "two hashes of the same password are equal: no fresh salt.", "fresh_salt"
    )
    expect(PASSWORD not in first, "the hash contains the password.", "slow_hash")


@check("security.passwords")
def test_right_password_verifies(m: Any, tmp: Path) -> None:
    got = m.verify_password(learner_hash(m, "first"), PASSWORD)
    expect(
        got is True,
        f"verify_password(hash_password(pw), pw) gave {got!r}, not True.",
        "argon2_order",
    )
    unicode_password = "pässwörd-ÜNICODE-✓"  # noqa: S105 (a test sentinel)
    got = m.verify_password(cheap_fixture(unicode_password), unicode_password)
    expect(got is True, f"a non-ASCII password did not verify ({got!r}).", "argon2_order")


@check("security.passwords")
def test_wrong_password_is_false(m: Any, tmp: Path) -> None:
    for stored in (learner_hash(m, "first"), cheap_fixture(PASSWORD)):
        try:
            got = m.verify_password(stored, "wrong guess")
        except Exception as error:
            raise CheckFailure(
                f"verify_password with a wrong password raised {type(error).__name__}.",
                "verify_raises",
            ) from None
        expect(got is False, f"a wrong password gave {got!r}, not False.", "verify_raises")


@check("security.passwords")
def test_malformed_hash_is_false(m: Any, tmp: Path) -> None:
    import hashlib

    damaged = cheap_fixture(PASSWORD)[:-10] + "!!!!!!!!!!"
    for stored in (
        "not-a-hash",
        "",
        hashlib.sha256(PASSWORD.encode()).hexdigest(),
        "$argon2id$v=19$m=65536,t=3,p=4$garbage",
        damaged,
    ):
        try:
            got = m.verify_password(stored, PASSWORD)
        except Exception as error:
            raise CheckFailure(
                f"verify_password({stored[:20]!r}, ...) raised {type(error).__name__}.",
                "invalid_hash",
            ) from None
        expect(got is False, f"verify_password({stored[:20]!r}, ...) gave {got!r}.", "invalid_hash")


@check("security.passwords")
def test_verifies_hashes_from_older_parameters(m: Any, tmp: Path) -> None:
    old = cheap_fixture(PASSWORD)
    expect(
        m.verify_password(old, PASSWORD) is True,
        "a hash made with older, cheaper parameters did not verify.",
        "params_in_hash",
    )


@check("security.passwords")
def test_rehash_old_parameters(m: Any, tmp: Path) -> None:
    expect(
        m.needs_rehash(cheap_fixture(PASSWORD)) is True,
        "needs_rehash of an m=8, t=1, p=1 hash is not True.",
        "rehash_on_login",
    )
    expect(
        m.needs_rehash(learner_hash(m, "first")) is False,
        "needs_rehash of a hash hash_password just made is not False.",
        "rehash_on_login",
    )


@check("security.passwords")
def test_no_fast_hashes(m: Any, tmp: Path) -> None:
    tree = cell_tree(m)
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    banned = sorted(imported & {"hashlib", "passlib", "crypt"})
    learner_hash(m, "first")  # only working code earns this check
    expect(not banned, f"your cell imports {banned}.", "slow_hash")
    codes = ruff_codes(m.SUBMISSION_PATH, m.CELL_FIRST_LINE, "S324")
    expect(not codes, f"ruff finds a weak hash: {codes}.", "slow_hash")


# ---------------------------------------------------------------- 5. dangerous_apis

OFFLINE_REPORT = {
    "dependencies": [
        {
            "name": "pyyaml",
            "skip_reason": "Dependency not found on PyPI and could not be audited: pyyaml (5.3)",
        },
        {
            "name": "requests",
            "skip_reason": "Dependency not found on PyPI and could not be audited: requests (2.19.0)",  # noqa: E501
        },
    ],
    "fixes": [],
}
FINDINGS_REPORT = {
    "dependencies": [
        {
            "name": "pyyaml",
            "version": "5.3",
            "vulns": [
                {"id": "PYSEC-0000-0001", "fix_versions": ["5.4"], "aliases": ["CVE-0000-0001"]},
                {"id": "GHSA-0000-0000-0002", "fix_versions": ["5.4"], "aliases": []},
            ],
        },
        {"name": "requests", "skip_reason": "Dependency not found on PyPI ..."},
        {"name": "click", "version": "8.3.1", "vulns": []},
        {
            "name": "jinja2",
            "version": "2.10",
            "vulns": [
                {"id": "PYSEC-0000-0003", "fix_versions": ["2.10.1"], "aliases": ["CVE-0000-0003"]},
            ],
        },
    ],
    "fixes": [],
}


@check("security.dangerous_apis")
def test_yaml_plain_data(m: Any, tmp: Path) -> None:
    got = m.load_config("amount: '19.99'\ncurrency: EUR\nlimits: [1, 2]")
    expect(
        got == {"amount": "19.99", "currency": "EUR", "limits": [1, 2]},
        f"load_config gave {got!r}.",
        "safe_load",
    )
    for text in ("- a\n- b", "just text", ""):
        expect(
            isinstance(raised(lambda text=text: m.load_config(text)), ValueError),
            f"load_config({text!r}) did not raise ValueError.",
            "mapping_only",
        )


@check("security.dangerous_apis")
def test_yaml_payload_does_not_run(m: Any, tmp: Path) -> None:
    import yaml

    marker = tmp / "pwned-by-yaml"
    payloads = [
        "!!python/object/apply:builtins.print ['SENTINEL-YAML']",
        f"!!python/object/apply:os.system ['touch {marker}']",
        "config: !!python/name:os.system",
    ]
    for payload in payloads:
        with captured() as output:
            error = raised(lambda payload=payload: m.load_config(payload))
        expect(
            "SENTINEL-YAML" not in output.getvalue() and not marker.exists(),
            f"loading {payload!r} ran code.",
            "safe_load",
        )
        expect(
            isinstance(error, (yaml.YAMLError, ValueError)),
            f"loading {payload!r} did not raise.",
            "safe_load",
        )


@check("security.dangerous_apis")
def test_grep_literal(m: Any, tmp: Path) -> None:
    text = tmp / "notes.txt"
    text.write_text("abc\na.c\n-v flag\ntotal 19.99\nlast line\n")
    for pattern, wanted in [
        ("a.c", ["a.c"]),
        ("-v", ["-v flag"]),
        ("19.99", ["total 19.99"]),
        ("zzz", []),
        ("line", ["last line"]),
    ]:
        try:
            got = m.grep_file(pattern, text)
        except Exception as error:
            raise CheckFailure(
                f"grep_file({pattern!r}, ...) raised {type(error).__name__}.", "fixed_string"
            ) from None
        expect(
            got == wanted,
            f"grep_file({pattern!r}, ...) gave {got!r}, expected {wanted!r}.",
            "fixed_string",
        )
    missing = raised(lambda: m.grep_file("x", tmp / "missing.txt"))
    expect(
        isinstance(missing, FileNotFoundError),
        f"a missing file gave {type(missing).__name__ if missing else 'no error'}.",
        "fixed_string",
    )


@check("security.dangerous_apis")
def test_grep_payload_does_not_run(m: Any, tmp: Path) -> None:
    text = tmp / "plain.txt"
    text.write_text("x marks the spot\n")
    expect(m.grep_file("x", text) == ["x marks the spot"], "write grep_file first.", None)
    patterns = [f"x; touch {tmp}/p1", f"$(touch {tmp}/p2)", f"`touch {tmp}/p3`"]
    for pattern in patterns:
        raised(lambda pattern=pattern: m.grep_file(pattern, text))
    odd_names = [tmp / "notes $(touch p4).txt", tmp / "notes; touch p5.txt"]
    with contextlib.chdir(tmp):  # a shell would run the relative `touch` here
        for odd in odd_names:
            odd.write_text("x\n")
            raised(lambda odd=odd: m.grep_file("x", odd))
    created = sorted(p.name for p in tmp.iterdir() if re.fullmatch(r"p\d(\.txt)?", p.name))
    expect(not created, f"a shell ran: the payloads created {created}.", "no_shell")


@check("security.dangerous_apis")
def test_gate_fails_on_unaudited(m: Any, tmp: Path) -> None:
    got = m.audit_gate(OFFLINE_REPORT, set())
    expect(
        got == ["pyyaml: not audited", "requests: not audited"],
        f"for a report where nothing was audited, audit_gate gave {got!r}.",
        "strict_audit",
    )


@check("security.dangerous_apis")
def test_gate_lists_unaccepted_vulnerabilities(m: Any, tmp: Path) -> None:
    got = m.audit_gate(FINDINGS_REPORT, set())
    wanted = [
        "pyyaml 5.3: PYSEC-0000-0001",
        "pyyaml 5.3: GHSA-0000-0000-0002",
        "requests: not audited",
        "jinja2 2.10: PYSEC-0000-0003",
    ]
    expect(got == wanted, f"audit_gate gave {got!r}, expected {wanted!r}.", "gate_format")
    clean = {"dependencies": [{"name": "click", "version": "8.3.1", "vulns": []}], "fixes": []}
    expect(m.audit_gate(clean, set()) == [], "a clean report did not give [].", "gate_format")


@check("security.dangerous_apis")
def test_gate_allowlist(m: Any, tmp: Path) -> None:
    for allow, wanted in [
        (
            {"PYSEC-0000-0001", "GHSA-0000-0000-0002"},
            ["requests: not audited", "jinja2 2.10: PYSEC-0000-0003"],
        ),
        (
            {"CVE-0000-0001", "CVE-0000-0003"},
            ["pyyaml 5.3: GHSA-0000-0000-0002", "requests: not audited"],
        ),
        (
            {"UNRELATED-1"},
            [
                "pyyaml 5.3: PYSEC-0000-0001",
                "pyyaml 5.3: GHSA-0000-0000-0002",
                "requests: not audited",
                "jinja2 2.10: PYSEC-0000-0003",
            ],
        ),
    ]:
        got = m.audit_gate(FINDINGS_REPORT, allow)
        expect(
            got == wanted, f"with allow={sorted(allow)}, audit_gate gave {got!r}.", "allow_aliases"
        )


@check("security.dangerous_apis")
def test_no_dangerous_calls(m: Any, tmp: Path) -> None:
    text = tmp / "plain.txt"
    text.write_text("x\n")
    working = (m.load_config("a: 1"), m.grep_file("x", text), m.audit_gate(OFFLINE_REPORT, set()))
    expect(all(result is not None for result in working), "write the three functions first.", None)
    codes = ruff_codes(
        m.SUBMISSION_PATH, m.CELL_FIRST_LINE, "S102,S301,S307,S506,S602,S604,S605,S606,S324"
    )
    expect(not codes, f"ruff finds dangerous calls: {codes}.", "dangerous_call")


# ---------------------------------------------------------------- running candidates


def load_candidate(setup: str, cell: str, folder: Path) -> Any:
    path = folder / "submission.py"
    path.write_text(setup + "\n\n\n" + cell + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("submission", path)
    assert spec is not None  # noqa: S101
    assert spec.loader is not None  # noqa: S101
    module = importlib.util.module_from_spec(spec)
    module.SUBMISSION_PATH = path
    module.CELL_FIRST_LINE = setup.count("\n") + 4
    module.CELL_SOURCE = cell
    with captured():
        spec.loader.exec_module(module)
    return module


def judge(exercise: str, candidate: Path) -> dict[str, dict[str, object]]:
    """Run every check of one exercise on one candidate cell, in this process."""
    candidate = candidate.resolve()
    setup, _ = notebook_cells()
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            module = load_candidate(setup, candidate.read_text(encoding="utf-8"), Path(folder))
        except Exception as error:
            return {
                "load": {"ok": False, "message": f"{type(error).__name__}: {error}", "hint": None}
            }
        for name, function in CHECKS[exercise].items():
            scratch = Path(folder) / name
            scratch.mkdir()
            started = time.perf_counter()
            try:
                function(module, scratch)
                outcome: dict[str, object] = {"ok": True, "message": "", "hint": None}
            except CheckFailure as failure:
                outcome = {"ok": False, "message": str(failure), "hint": failure.hint}
            except Exception as error:
                outcome = {
                    "ok": False,
                    "message": f"raised {type(error).__name__}: {error}",
                    "hint": None,
                }
            outcome["ms"] = round((time.perf_counter() - started) * 1000)
            results[name] = outcome
    return results


def notebook_cells(path: Path = SOLUTIONS) -> tuple[str, dict[str, str]]:
    """The setup cell's source and each exercise cell's source, from a notebook file."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    setup, exercises = "", {}
    for cell in notebook["cells"]:
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        first = source.split("\n", 1)[0]
        if first == "# setup":
            setup += source + "\n"
        elif first.startswith("# exercise: "):
            exercises[first.removeprefix("# exercise: ")] = source
    return setup, exercises


@dataclass
class Candidate:
    exercise: str
    label: str
    path: Path
    expect: str  # "pass", "fail" (the starter) or "caught"
    caught_by: str = ""
    hint: str = ""


def candidates(folder: Path) -> list[Candidate]:
    _, reference = notebook_cells()
    sys.path.insert(0, str(REPO / "src"))
    from zendo._build import generated_text

    starter_notebook = folder / "starter.ipynb"
    starter_notebook.write_text(generated_text(SOLUTIONS), encoding="utf-8")
    _, starter = notebook_cells(starter_notebook)
    found = []
    for exercise in EXERCISES:
        for label, source, outcome in [
            ("reference", reference[exercise], "pass"),
            ("starter", starter[exercise], "fail"),
        ]:
            path = folder / f"{exercise}.{label}.py"
            path.write_text(source, encoding="utf-8")
            found.append(Candidate(exercise, label, path, outcome))
        for path in sorted((HERE / "right" / exercise).glob("*.py")):
            found.append(Candidate(exercise, f"right/{path.stem}", path, "pass"))
        for path in sorted((HERE / "wrong" / exercise).glob("*.py")):
            header = dict(
                re.findall(
                    r"^# (exercise|wrong|caught-by|hint): (.+)$",
                    path.read_text(encoding="utf-8"),
                    re.MULTILINE,
                )
            )
            assert header.get("exercise") == exercise, path  # noqa: S101
            found.append(
                Candidate(
                    exercise,
                    f"wrong/{path.stem}",
                    path,
                    "caught",
                    header["caught-by"],
                    header["hint"],
                )
            )
    return found


def verdict(candidate: Candidate, results: dict[str, dict[str, object]]) -> tuple[bool, str]:
    failed = {name: r for name, r in results.items() if not r["ok"]}
    if candidate.expect == "pass":
        return not failed, ", ".join(f"{n}: {r['message']}" for n, r in failed.items())
    if candidate.expect == "fail":
        return bool(failed) and "load" not in failed, f"{len(failed)} checks fail"
    named = results.get(candidate.caught_by)
    if named is None:
        return False, f"{candidate.caught_by} is not a check"
    ok = not named["ok"] and named["hint"] == candidate.hint
    return ok, f"{candidate.caught_by}: hint {named['hint']!r} - {named['message']}"


# ---------------------------------------------------------------- attack payloads, observed


def observe(exercise: str, candidate: Path) -> dict[str, str]:
    """What each attack payload does to one candidate: the table in graders.md."""
    candidate = candidate.resolve()
    setup, _ = notebook_cells()
    seen: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        os.chdir(tmp)
        m = load_candidate(setup, candidate.read_text(encoding="utf-8"), tmp)

        def describe(call: Callable[[], object]) -> str:
            with captured() as output:
                try:
                    result = call()
                except Exception as error:
                    result = error
            printed = f"; printed {output.getvalue().strip()!r}" if output.getvalue() else ""
            if isinstance(result, Exception):
                return f"raises {type(result).__name__}" + printed
            if hasattr(result, "email"):
                result = f"User {result.email!r}"
            return f"returns {result!r}"[:70] + printed

        if exercise == "security.queries":
            for payload in PAYLOADS:
                path, conn = database(m, tmp)
                with contextlib.closing(conn):
                    outcome = describe(
                        lambda payload=payload, conn=conn: m.find_user(conn, payload)
                    )
                seen[f"find_user {payload!r}"] = outcome + (
                    "" if table_intact(path) else "; TABLE CHANGED"
                )
            for prefix in ["a_b", "50%", "c\\d", "zzz' OR 1=1 --", "x'; DROP TABLE users; --"]:
                path, conn = database(m, tmp)
                with contextlib.closing(conn):
                    seen[f"search_users {prefix!r}"] = describe(
                        lambda prefix=prefix, conn=conn: [
                            u.email for u in m.search_users(conn, prefix)
                        ]
                    )
            for order_by in ["id", "email; DROP TABLE users", "created_at DESC"]:
                path, conn = database(m, tmp)
                with contextlib.closing(conn):
                    seen[f"search_users order_by={order_by!r}"] = describe(
                        lambda order_by=order_by, conn=conn: len(
                            m.search_users(conn, "a", order_by=order_by)
                        )
                    )
        elif exercise == "security.dangerous_apis":
            marker = tmp / "pwned-by-yaml"
            for payload in [
                "!!python/object/apply:builtins.print ['SENTINEL-YAML']",
                f"!!python/object/apply:os.system ['touch {marker}']",
                "config: !!python/name:os.system",
            ]:
                outcome = describe(lambda payload=payload: m.load_config(payload))
                label = payload.replace(str(tmp), "TMP")
                seen[f"load_config {label!r}"] = outcome + (
                    "; FILE CREATED" if marker.exists() else ""
                )
                marker.unlink(missing_ok=True)
            text = tmp / "plain.txt"
            text.write_text("x marks the spot\n")
            for pattern in ["x; touch p1", "$(touch p2)", "`touch p3`"]:
                describe(lambda pattern=pattern: m.grep_file(pattern, text))
                made = sorted(p.name for p in tmp.iterdir() if re.match(r"p\d", p.name))
                seen[f"grep_file pattern {pattern!r}"] = f"files created: {made}"
                for name in made:
                    (tmp / name).unlink()
            for name in ["notes $(touch p4).txt", "notes; touch p5.txt"]:
                (tmp / name).write_text("x\n")
                describe(lambda name=name: m.grep_file("x", tmp / name))
                made = sorted(p.name for p in tmp.iterdir() if re.match(r"p\d", p.name))
                seen[f"grep_file file {name!r}"] = f"files created: {made}"
                for made_name in made:
                    (tmp / made_name).unlink()
    return seen


def payload_table() -> int:
    """Every attack payload against the reference and the wrong answers, side by side."""
    with tempfile.TemporaryDirectory() as folder:
        by_exercise: dict[str, list[Candidate]] = {}
        for candidate in candidates(Path(folder)):
            if candidate.exercise in ("security.queries", "security.dangerous_apis") and (
                candidate.label == "reference" or candidate.label.startswith("wrong/")
            ):
                by_exercise.setdefault(candidate.exercise, []).append(candidate)
        for exercise, group in by_exercise.items():
            print(f"\n## {exercise}")
            for candidate in group:
                done = subprocess.run(  # noqa: S603
                    [sys.executable, __file__, "--observe", exercise, str(candidate.path)],
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=120,
                )
                print(f"\n{candidate.label}:")
                if done.returncode != 0:
                    print(done.stderr[-800:])
                    continue
                for payload, outcome in json.loads(done.stdout.strip().splitlines()[-1]).items():
                    print(f"  {payload:50} {outcome}")
    return 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--judge":
        print(json.dumps(judge(sys.argv[2], Path(sys.argv[3]))))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "--observe":
        print(json.dumps(observe(sys.argv[2], Path(sys.argv[3]))))
        return 0
    if sys.argv[1:] == ["--payloads"]:
        return payload_table()
    only = set(sys.argv[1:])
    problems = 0
    with tempfile.TemporaryDirectory() as folder:
        for candidate in candidates(Path(folder)):
            if only and candidate.exercise not in only:
                continue
            env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
            done = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--judge", candidate.exercise, str(candidate.path)],
                capture_output=True,
                text=True,
                check=False,
                env=env,
                timeout=120,
            )
            try:
                results = json.loads(done.stdout.strip().splitlines()[-1])
            except (IndexError, json.JSONDecodeError):
                results = {"judge": {"ok": False, "message": done.stderr[-500:], "hint": None}}
            ok, detail = verdict(candidate, results)
            problems += not ok
            total_ms = sum(int(r.get("ms", 0)) for r in results.values())
            mark = "ok  " if ok else "BAD "
            print(
                f"{mark} {candidate.exercise:26} {candidate.label:34} {candidate.expect:6} "
                f"{total_ms:5d} ms  {detail[:110]}"
            )
    print(f"\n{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
