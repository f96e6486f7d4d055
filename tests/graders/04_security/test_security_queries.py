"""v2 graders of security.queries: parameterised SQL on a real SQLite file.

The judge creates a real SQLite file in the sandbox's shared folder, fresh for every
test, with the schema and rows below. The sandbox opens its own connection to it (a
connection cannot cross the process boundary) and passes it to the learner's function;
the users come back field by field. After each test the judge reads the file itself
(copied out of the shared folder first, so a symlink cannot point it elsewhere) and
compares the table with the rows it wrote.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
import tempfile
from pathlib import Path

from security_helpers import ruff_findings
from security_payloads import (
    BAD_ORDERS,
    DB_NAME,
    FIND_PAYLOADS,
    SEARCH_PAYLOADS,
    USERS,
    Row,
    connection,
    fresh_database,
)

from zendo.judge import Handle, Learner, Observation, Submitted, exercise, expect, fail, show


def statements(traced: Handle) -> list[str]:
    got = traced.get("statements").value
    return [s for s in got if type(s) is str] if type(got) is list else []


def table_rows(learner: Learner) -> list[tuple[object, ...]] | None:
    """The users table as the judge reads it from its own copy of the file; None if gone."""
    data = learner.read_shared(DB_NAME)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / DB_NAME
        copy.write_bytes(data)
        with contextlib.closing(sqlite3.connect(copy)) as fresh:
            try:
                return fresh.execute(
                    "SELECT id, email, created_at FROM users ORDER BY id"
                ).fetchall()
            except sqlite3.Error:
                return None


def expect_table_intact(learner: Learner, traced: Handle) -> None:
    connection(traced).call("close").value  # noqa: B018
    expect(
        table_rows(learner) == USERS,
        "the users table in the database file is not what the grader wrote: a payload changed it.",
        hint="parameterise",
    )


def as_row(value: object, shown: str) -> Row:
    expect(
        isinstance(value, Handle) and value.is_a("User"),
        f"{shown} gave {show(value)}; expected a User (from the setup cell).",
        hint="return_users",
    )
    assert isinstance(value, Handle)
    got = (value.get("id").value, value.get("email").value, value.get("created_at").value)
    expect(
        type(got[0]) is int and type(got[1]) is str and type(got[2]) is str,
        f"{shown} gave a User with fields {show(got)}; expected an int and two strings.",
        hint="return_users",
    )
    return got


def returned(observed: Observation) -> object:
    """The value of a query call; an SQL error fails with the hint its cause points to."""
    raised = observed.raised
    if raised is not None and raised.is_a("sqlite3.Error"):
        message = f"{observed.shown} raised {raised.describe()}"
        if raised.is_a("ProgrammingError") and "number of bindings" in raised.message:
            fail(
                f"{message}: the parameters must be a tuple, such as (email,).",
                hint="params_tuple",
            )
        fail(f"{message}: a value reached the SQL text.", hint="parameterise")
    return observed.value


def found(learner: Learner, conn: Handle, email: str) -> Row | None:
    observed = learner.call("find_user", conn, email)
    observed = dataclasses.replace(observed, shown=f"find_user(conn, {email!r})")
    value = returned(observed)
    return None if value is None else as_row(value, observed.shown)


def searched(learner: Learner, conn: Handle, prefix: str, order_by: str = "email") -> list[Row]:
    observed = learner.call("search_users", conn, prefix, order_by=order_by)
    shown = f"search_users(conn, {prefix!r}, order_by={order_by!r})"
    observed = dataclasses.replace(observed, shown=shown)
    value = returned(observed)
    if isinstance(value, Handle) and not value.is_a("User"):
        listed = learner.op("list", value).value
        value = listed
    expect(
        type(value) is list,
        f"{shown} returned {show(value)}; expected a list of User.",
        hint="return_users",
    )
    assert isinstance(value, list)
    return [as_row(item, shown) for item in value]


@exercise("security.queries", title="find_user finds exactly one address")
def test_find_user_exact(learner: Learner) -> None:
    traced = fresh_database(learner)
    conn = connection(traced)
    for email, wanted in [
        ("alice@example.com", USERS[0]),
        ("o'brien@example.com", USERS[2]),
        ("nobody@example.com", None),
        ("ALICE@example.com", None),
    ]:
        got = found(learner, conn, email)
        expect(
            got == wanted,
            f"find_user(conn, {email!r}) gave {show(got)}; expected {show(wanted)}.",
            hint="parameterise",
        )
    expect_table_intact(learner, traced)


@exercise("security.queries", title="find_user cannot be injected")
def test_find_user_resists_injection(learner: Learner) -> None:
    traced = fresh_database(learner)
    conn = connection(traced)
    found(learner, conn, "alice@example.com")
    for payload in FIND_PAYLOADS:
        got = found(learner, conn, payload)
        expect(
            got is None,
            f"find_user(conn, {payload!r}) found {show(got)}: the payload became part of the SQL.",
            hint="parameterise",
        )
    expect_table_intact(learner, traced)


@exercise("security.queries", title="A prefix is matched literally")
def test_search_prefix_is_literal(learner: Learner) -> None:
    traced = fresh_database(learner)
    conn = connection(traced)
    every = sorted(USERS, key=lambda row: row[1])
    cases: list[tuple[str, list[Row]]] = [
        ("a_b", [USERS[3]]),
        ("50%", [USERS[5]]),
        ("c\\d", [USERS[7]]),
        ("o'b", [USERS[2]]),
        ("", every),
        *((payload, []) for payload in SEARCH_PAYLOADS),
    ]
    for prefix, wanted in cases:
        got = searched(learner, conn, prefix)
        expect(
            got == wanted,
            f"search_users(conn, {prefix!r}) gave e-mails {[row[1] for row in got]}; expected "
            f"{[row[1] for row in wanted]}: every character of the prefix is taken literally.",
            hint="like_escape",
        )
    expect_table_intact(learner, traced)


@exercise("security.queries", title="Sort orders come from an allowlist")
def test_order_by_allowlist(learner: Learner) -> None:
    traced = fresh_database(learner)
    conn = connection(traced)
    a_users = [USERS[0], USERS[1], USERS[3], USERS[4]]
    for order_by, key in [("email", 1), ("created_at", 2)]:
        got = searched(learner, conn, "a", order_by)
        wanted = sorted(a_users, key=lambda row: row[key])
        expect(
            got == wanted,
            f"search_users(conn, 'a', order_by={order_by!r}) gave ids {[r[0] for r in got]}; "
            f"expected {[r[0] for r in wanted]}.",
            hint="identifier_allowlist",
        )
    for order_by in BAD_ORDERS:
        before = len(statements(traced))
        observed = learner.call("search_users", conn, "a", order_by=order_by)
        expect(
            observed.raised is not None and observed.raised.is_a(ValueError),
            f"search_users(conn, 'a', order_by={order_by!r}) {observed.describe()}; expected "
            "ValueError.",
            hint="identifier_allowlist",
        )
        ran = statements(traced)[before:]
        expect(
            not ran,
            f"order_by={order_by!r} ran SQL before it was refused ({ran[0][:80]!r}...); "
            "check the allowlist first."
            if ran
            else "",
            hint="identifier_allowlist",
        )
    expect_table_intact(learner, traced)
    # The same observation without the trace: on a closed connection any SQL run before
    # the check raises ProgrammingError instead of ValueError.
    observed = learner.call("search_users", conn, "a", order_by="id")
    expect(
        observed.raised is not None and observed.raised.is_a(ValueError),
        f"order_by='id' on a closed connection {observed.describe()}; expected ValueError: "
        "the allowlist is checked before any SQL runs.",
        hint="identifier_allowlist",
    )


@exercise("security.queries", title="No SQL is built from strings")
def test_no_sql_string_building(learner: Learner, submitted: Submitted) -> None:
    traced = fresh_database(learner)
    conn = connection(traced)
    found(learner, conn, "alice@example.com")
    searched(learner, conn, "a")
    ruff_findings(
        submitted,
        ["S608"],
        hint="one_constant_statement",
        why="Write each statement as one constant string, values as parameters.",
    )
