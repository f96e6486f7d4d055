"""Throwaway checks for the transactions exercise drafts, until the real graders land.

Proves that the drafts behave as claimed: the reference solution passes every check,
the untouched starter (built with `zendo build`'s own code) fails, each known wrong
answer fails the check named in its `# caught-by:` line with the hint named in its
`# hint:` line, and each right answer passes everything.

It is NOT a grader: it runs each candidate in a plain subprocess (no sandbox), with the
checks in the same process as the candidate, on real SQLite files in a temporary
folder. The real graders (Grading v2) must make the same observations from the trusted
side; drafts/06_transactions/graders.md says how.

Usage (from the repository root):
    .venv/bin/python drafts/06_transactions/check_drafts.py                 # everything
    .venv/bin/python drafts/06_transactions/check_drafts.py transactions.transfer
    .venv/bin/python drafts/06_transactions/check_drafts.py --repeat 100 transactions.transfer
    .venv/bin/python drafts/06_transactions/check_drafts.py --postgres      # also on PostgreSQL 15
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import io
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SOLUTIONS = HERE / "solutions.ipynb"
EXERCISES = [
    "transactions.transfer",
    "transactions.stress",
    "transactions.ledger",
    "transactions.async_transfer",
]
POSTGRES_DSN = os.environ.get("ZENDO_DRAFTS_PG", "")  # set by --postgres for the children


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


def raised(call: Callable[[], object]) -> BaseException | None:
    try:
        call()
    except Exception as error:
        return error
    return None


def describe(error: BaseException | None) -> str:
    return "nothing was raised" if error is None else f"{type(error).__name__}: {error}"


# ---------------------------------------------------------------- real SQLite banks

OPENING = {"alice": 10000, "bob": 0}
FREEZE = (
    "CREATE TRIGGER frozen BEFORE UPDATE ON accounts WHEN NEW.id = '{account}'"
    " BEGIN SELECT RAISE(ABORT, 'account frozen'); END"
)


def bank(folder: Path, balances: dict[str, int] | None = None, *, wal: bool = True) -> Path:
    """A fresh bank file owned by the judge: the learner only gets a connection to it."""
    path = folder / f"bank-{len(list(folder.glob('bank-*.db')))}.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(
            "CREATE TABLE accounts (id TEXT PRIMARY KEY,"
            " balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0));"
        )
        conn.executemany("INSERT INTO accounts VALUES (?, ?)", (balances or OPENING).items())
        conn.commit()
    return path


def committed(path: Path, sql: str = "SELECT id, balance_cents FROM accounts") -> dict[Any, Any]:
    """What is committed, read by the judge through its own connection."""
    with contextlib.closing(sqlite3.connect(path, timeout=5)) as conn:
        return dict(conn.execute(sql).fetchall())


def judge_sql(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> BaseException | None:
    with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as conn:
        return raised(lambda: conn.execute(sql, parameters))


def learner_connection(path: Path) -> sqlite3.Connection:
    """The one connection the learner's code is handed: autocommit mode, as promised."""
    return sqlite3.connect(path, isolation_level=None, timeout=1)


class Rival:
    """A second writer that strikes at the statement after the learner's first touch.

    The learner's connection reports every statement it starts (sqlite3's trace
    callback). After the first statement that reads or writes `accounts`, the rival's
    write runs at the start of the very next statement: between the learner's read and
    its write, the widest window a lost update needs. It either is blocked (the learner
    holds the write lock) or commits at once. Deterministic: no threads, no sleeps.
    """

    def __init__(self, path: Path, sql: str) -> None:
        self.path, self.sql = path, sql
        self.touched = False
        self.outcome = "did not run"
        self.statements: list[str] = []

    def __call__(self, statement: str) -> None:
        self.statements.append(statement)
        if self.outcome != "did not run":
            return
        if self.touched:
            error = judge_sql(self.path, self.sql)
            self.outcome = "applied" if error is None else f"blocked ({error})"
        elif re.search(r"\baccounts\b", statement, re.IGNORECASE):
            self.touched = True


# ---------------------------------------------------------------- 1. transfer


@check("transactions.transfer")
def test_transfer_checks_arguments_before_sql(m: Any, folder: Path) -> None:
    path = bank(folder)
    conn = learner_connection(path)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    for amount, wanted in [(12.5, TypeError), (True, TypeError), (Decimal("1"), TypeError),
                           (0, ValueError), (-100, ValueError)]:  # fmt: skip
        error = raised(lambda amount=amount: m.transfer(conn, "alice", "bob", amount))
        expect(
            isinstance(error, wanted),
            f"transfer(conn, 'alice', 'bob', {amount!r}) should raise {wanted.__name__}; "
            f"got {describe(error)}.",
            "check_arguments",
        )
    error = raised(lambda: m.transfer(conn, "alice", "alice", 100))
    expect(
        isinstance(error, ValueError),
        f"transfer(conn, 'alice', 'alice', 100) should raise ValueError; got {describe(error)}.",
        "check_arguments",
    )
    expect(
        not statements,
        f"a refused call still sent SQL to the database: {statements[:3]}",
        "check_arguments",
    )
    expect(committed(path) == OPENING, "a refused call changed the balances", "check_arguments")


@check("transactions.transfer")
def test_rival_writer_waits_for_the_transfer(m: Any, folder: Path) -> None:
    path = bank(folder)
    conn = learner_connection(path)
    rival = Rival(
        path, "UPDATE accounts SET balance_cents = balance_cents - 100 WHERE id = 'alice'"
    )
    conn.set_trace_callback(rival)
    error = raised(lambda: m.transfer(conn, "alice", "bob", 2500))
    conn.set_trace_callback(None)
    if isinstance(error, sqlite3.OperationalError) and "syntax" in str(error):
        raise CheckFailure(f"transfer raised {describe(error)}", "no_for_update")
    expect(
        not (isinstance(error, sqlite3.OperationalError) and "locked" in str(error)),
        "while your transfer was between reading and writing, another connection changed "
        f"Alice's balance; your transfer then failed with {describe(error)}.",
        "lock_before_read",
    )
    expect(error is None, f"transfer(conn, 'alice', 'bob', 2500) raised {describe(error)}", None)
    if rival.outcome.startswith("blocked"):
        late = judge_sql(path, rival.sql)  # the rival's turn, after the transfer
        expect(late is None, f"the rival still could not write afterwards: {late}", "rollback")
    balances = committed(path)
    expect(
        balances == {"alice": 10000 - 2500 - 100, "bob": 2500},
        f"a rival debited Alice 100 while your transfer of 2500 was running ({rival.outcome}); "
        f"expected Alice 7400 and Bob 2500, got {balances}: one update was lost.",
        "lock_before_read",
    )


@check("transactions.transfer")
def test_failed_credit_leaves_both_balances(m: Any, folder: Path) -> None:
    path = bank(folder)
    judge_sql(path, FREEZE.format(account="bob"))
    conn = learner_connection(path)
    error = raised(lambda: m.transfer(conn, "alice", "bob", 2500))
    expect(
        isinstance(error, sqlite3.IntegrityError),
        f"the credit to a frozen account should raise sqlite3.IntegrityError to the caller; "
        f"got {describe(error)}.",
        "atomic",
    )
    if conn.in_transaction:
        conn.execute("ROLLBACK")  # so that the judge reads what would be committed
    balances = committed(path)
    expect(
        balances == OPENING,
        f"the credit failed, so nothing should change; the balances are now {balances}.",
        "atomic",
    )


@check("transactions.transfer")
def test_no_transaction_is_left_open(m: Any, folder: Path) -> None:
    path = bank(folder, {"alice": 10000, "bob": 0, "carol": 0})
    judge_sql(path, FREEZE.format(account="carol"))
    conn = learner_connection(path)
    for label, call in [
        ("a transfer that succeeded", lambda: m.transfer(conn, "alice", "bob", 100)),
        ("a transfer refused for lack of funds", lambda: m.transfer(conn, "bob", "alice", 10**6)),
        ("a transfer to an unknown account", lambda: m.transfer(conn, "alice", "zoe", 100)),
        ("a transfer whose credit failed", lambda: m.transfer(conn, "alice", "carol", 100)),
    ]:
        error = raised(call)
        if label == "a transfer that succeeded":
            expect(error is None, f"transfer(conn, 'alice', 'bob', 100) raised {describe(error)}",
                   "moves_exactly")  # fmt: skip
        expect(
            not conn.in_transaction,
            f"after {label}, the connection is still inside a transaction "
            "(conn.in_transaction is True): it keeps the write lock and blocks every writer.",
            "rollback",
        )


@check("transactions.transfer")
def test_refusals_change_nothing(m: Any, folder: Path) -> None:
    path = bank(folder)
    conn = learner_connection(path)
    for call, wanted, label in [
        (lambda: m.transfer(conn, "alice", "bob", 10001), m.InsufficientFunds, "10001 from 10000"),
        (lambda: m.transfer(conn, "alice", "zoe", 100), m.UnknownAccount, "to an unknown account"),
        (lambda: m.transfer(conn, "zoe", "bob", 100), m.UnknownAccount, "from an unknown account"),
    ]:
        error = raised(call)
        expect(
            isinstance(error, wanted),
            f"a transfer of {label} should raise {wanted.__name__}; got {describe(error)}.",
            "refuse_cleanly",
        )
        expect("10000" not in str(error), f"the message shows a balance: {error}", "refuse_cleanly")
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        expect(committed(path) == OPENING, f"a refused transfer ({label}) changed a balance",
               "refuse_cleanly")  # fmt: skip


@check("transactions.transfer")
def test_transfer_moves_exactly_the_amount(m: Any, folder: Path) -> None:
    path = bank(folder)
    conn = learner_connection(path)
    m.transfer(conn, "alice", "bob", 2500)
    m.transfer(conn, "bob", "alice", 2500)  # the whole balance of the source
    m.transfer(conn, "alice", "bob", 1)
    balances = committed(path)
    expect(balances == {"alice": 9999, "bob": 1}, f"expected Alice 9999, Bob 1; got {balances}",
           "moves_exactly")  # fmt: skip


# ---------------------------------------------------------------- 2. stress


@check("transactions.stress")
def test_connect_is_in_autocommit_mode(m: Any, folder: Path) -> None:
    conn = m.connect(str(bank(folder)))
    expect(conn.isolation_level is None,
           f"connect() gives isolation_level={conn.isolation_level!r}; it should be None",
           "autocommit_mode")  # fmt: skip
    conn.close()


@check("transactions.stress")
def test_connect_waits_for_the_lock(m: Any, folder: Path) -> None:
    conn = m.connect(str(bank(folder)))
    waits = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.close()
    expect(waits >= 5000, f"connect() waits {waits} ms for a lock; at least 5000 are needed",
           "busy_timeout")  # fmt: skip


@check("transactions.stress")
def test_connect_uses_wal(m: Any, folder: Path) -> None:
    conn = m.connect(str(bank(folder, wal=False)))
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    expect(mode == "wal", f"connect() leaves the journal mode at {mode!r}; it should be 'wal'",
           "wal_mode")  # fmt: skip


STRESS_ACCOUNTS = {"a": 5000, "b": 5000, "c": 5000, "d": 5000}


def stress_transfers(seed: int = 2026, count: int = 1600) -> list[tuple[str, str, int]]:
    rng = random.Random(seed)  # noqa: S311 (a fixed workload, not a secret)
    transfers = []
    for _ in range(count):
        src, dst = rng.sample(sorted(STRESS_ACCOUNTS), 2)
        transfers.append((src, dst, rng.randint(1, 500)))
    return transfers


@check("transactions.stress")
def test_stress_keeps_every_balance(m: Any, folder: Path) -> None:
    path = bank(folder, STRESS_ACCOUNTS, wal=False)
    transfers = stress_transfers()
    error = None
    try:
        made = m.transfer_many(str(path), transfers, 8)
    except Exception as caught:
        error = caught
    if isinstance(error, sqlite3.ProgrammingError) and "thread" in str(error):
        raise CheckFailure(f"transfer_many raised {describe(error)}", "own_connection")
    expect(error is None, f"1,600 transfers on 8 threads raised {describe(error)}",
           "stress_invariant")  # fmt: skip
    expect(
        isinstance(made, list)
        and len(made) == len(transfers)
        and all(isinstance(flag, bool) for flag in made),
        f"transfer_many should return {len(transfers)} bools; got {str(made)[:80]}",
        "stress_invariant",
    )
    expected = dict(STRESS_ACCOUNTS)
    for (src, dst, amount), flag in zip(transfers, made, strict=True):
        if flag:
            expected[src] -= amount
            expected[dst] += amount
    balances = committed(path)
    expect(min(expected.values()) >= 0,
           "the transfers marked True would overdraw an account", "stress_invariant")  # fmt: skip
    expect(
        balances == expected,
        f"after the transfers marked True, the balances should be {expected}; they are "
        f"{balances} (total {sum(balances.values())}, opening total 20000).",
        "stress_invariant",
    )


# ---------------------------------------------------------------- 3. ledger

LEDGER_OPENING = {"alice": 10000, "bob": 0, "carol": 500}
CLOCK = datetime(2027, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=1)))
CLOCK_TEXT = "2027-01-15T08:00:00+00:00"


def ledger_bank(m: Any, folder: Path) -> tuple[Path, sqlite3.Connection]:
    path = bank(folder, LEDGER_OPENING)
    conn = learner_connection(path)
    m.create_ledger(conn)
    return path, conn


def ledger_rows(path: Path) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT transfer_id, account_id, amount_cents, typeof(amount_cents), created_at"
            " FROM ledger ORDER BY rowid"
        ).fetchall()


def ledger_transfer(m: Any, conn: sqlite3.Connection, src: str, dst: str, amount: int,
                    transfer_id: str) -> None:  # fmt: skip
    m.transfer(conn, src, dst, amount, transfer_id=transfer_id, now=lambda: CLOCK)


@check("transactions.ledger")
def test_ledger_columns_hold_no_personal_data(m: Any, folder: Path) -> None:
    path, _conn = ledger_bank(m, folder)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        columns = conn.execute("PRAGMA table_info(ledger)").fetchall()
    names = {name for _cid, name, kind, _nn, _default, pk in columns
             if not (pk and kind.upper() == "INTEGER")}  # fmt: skip
    wanted = {"transfer_id", "account_id", "amount_cents", "created_at"}
    expect(names == wanted, f"the ledger's columns are {sorted(names)}; expected exactly "
           f"{sorted(wanted)} (plus an optional INTEGER PRIMARY KEY)", "ledger_columns")  # fmt: skip


@check("transactions.ledger")
def test_ledger_is_double_entry(m: Any, folder: Path) -> None:
    path, conn = ledger_bank(m, folder)
    ledger_transfer(m, conn, "alice", "bob", 2500, "t-1")
    ledger_transfer(m, conn, "bob", "carol", 1000, "t-2")
    ledger_transfer(m, conn, "carol", "alice", 1500, "t-3")
    rows = ledger_rows(path)
    by_transfer: dict[str, list[tuple[str, Any]]] = {}
    for transfer_id, account, amount, _kind, _when in rows:
        by_transfer.setdefault(transfer_id, []).append((account, amount))
    expect(
        sorted(by_transfer.get("t-1", [])) == [("alice", -2500), ("bob", 2500)],
        f"transfer t-1 (2500 from alice to bob) wrote {by_transfer.get('t-1')}; expected "
        "two entries: ('alice', -2500) and ('bob', 2500).",
        "double_entry",
    )
    balances = committed(path)
    for account, opening in LEDGER_OPENING.items():
        moved = sum(amount for _t, acc, amount, _k, _w in rows if acc == account)
        expect(opening + moved == balances[account],
               f"{account}: opening {opening} + ledger {moved} != balance {balances[account]}",
               "double_entry")  # fmt: skip


@check("transactions.ledger")
def test_ledger_is_written_in_the_same_transaction(m: Any, folder: Path) -> None:
    path, conn = ledger_bank(m, folder)
    judge_sql(path, "CREATE TRIGGER ledger_offline BEFORE INSERT ON ledger WHEN NEW.account_id"
              " = 'bob' BEGIN SELECT RAISE(ABORT, 'ledger offline'); END")  # fmt: skip
    error = raised(lambda: ledger_transfer(m, conn, "alice", "bob", 2500, "t-9"))
    open_after = conn.in_transaction
    if open_after:
        conn.execute("ROLLBACK")
    expect(isinstance(error, sqlite3.IntegrityError),
           f"a failed ledger entry should raise sqlite3.IntegrityError; got {describe(error)}",
           "same_transaction")  # fmt: skip
    balances = committed(path)
    expect(
        balances == LEDGER_OPENING and not ledger_rows(path),
        f"the ledger entry for bob failed, so nothing should change; balances {balances}, "
        f"ledger {[row[:3] for row in ledger_rows(path)]}",
        "same_transaction",
    )
    expect(not open_after, "the failed transfer left its transaction open", "same_transaction")


@check("transactions.ledger")
def test_ledger_is_append_only(m: Any, folder: Path) -> None:
    path, conn = ledger_bank(m, folder)
    ledger_transfer(m, conn, "alice", "bob", 2500, "t-1")
    before = ledger_rows(path)
    for sql in ["UPDATE ledger SET amount_cents = 0", "DELETE FROM ledger"]:
        error = judge_sql(path, sql)
        expect(isinstance(error, sqlite3.IntegrityError),
               f"{sql!r} should raise sqlite3.IntegrityError; got {describe(error)}",
               "append_only")  # fmt: skip
    expect(ledger_rows(path) == before, "the ledger's entries changed", "append_only")


@check("transactions.ledger")
def test_ledger_amounts_are_integers(m: Any, folder: Path) -> None:
    path, conn = ledger_bank(m, folder)
    ledger_transfer(m, conn, "alice", "bob", 2500, "t-1")
    kinds = {row[3] for row in ledger_rows(path)}
    expect(kinds == {"integer"}, f"the stored amounts have SQLite types {sorted(kinds)}",
           "integer_amounts")  # fmt: skip
    error = judge_sql(
        path,
        "INSERT INTO ledger (transfer_id, account_id, amount_cents, created_at)"
        " VALUES ('t-x', 'alice', 12.5, ?)",
        (CLOCK_TEXT,),
    )
    expect(isinstance(error, sqlite3.IntegrityError),
           f"the ledger accepted 12.5 as an amount_cents ({describe(error)})",
           "integer_amounts")  # fmt: skip


@check("transactions.ledger")
def test_transfer_id_is_used_once(m: Any, folder: Path) -> None:
    path, conn = ledger_bank(m, folder)
    ledger_transfer(m, conn, "alice", "bob", 2500, "t-1")
    error = raised(lambda: ledger_transfer(m, conn, "alice", "bob", 2500, "t-1"))
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    expect(isinstance(error, sqlite3.IntegrityError),
           f"a second transfer with id 't-1' should raise sqlite3.IntegrityError; got "
           f"{describe(error)}", "unique_transfer_id")  # fmt: skip
    balances = committed(path)
    expect(balances == {"alice": 7500, "bob": 2500, "carol": 500} and len(ledger_rows(path)) == 2,
           f"the repeated transfer changed something: {balances}", "unique_transfer_id")  # fmt: skip


@check("transactions.ledger")
def test_ledger_time_is_utc_from_the_clock(m: Any, folder: Path) -> None:
    path, conn = ledger_bank(m, folder)
    ledger_transfer(m, conn, "alice", "bob", 2500, "t-1")
    times = {row[4] for row in ledger_rows(path)}
    expect(times == {CLOCK_TEXT}, f"now() returned {CLOCK.isoformat()}; created_at should be "
           f"{CLOCK_TEXT!r}, got {sorted(times)}", "utc_clock")  # fmt: skip


@check("transactions.ledger")
def test_ledger_refusals_write_nothing(m: Any, folder: Path) -> None:
    path, conn = ledger_bank(m, folder)
    for call, wanted in [
        (lambda: ledger_transfer(m, conn, "bob", "alice", 1, "t-1"), m.InsufficientFunds),
        (lambda: ledger_transfer(m, conn, "alice", "bob", 0, "t-2"), ValueError),
        (lambda: ledger_transfer(m, conn, "alice", "alice", 5, "t-3"), ValueError),
    ]:
        error = raised(call)
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        expect(isinstance(error, wanted), f"expected {wanted.__name__}; got {describe(error)}",
               "refuse_cleanly")  # fmt: skip
    expect(not ledger_rows(path) and committed(path) == LEDGER_OPENING,
           "a refused transfer wrote something", "refuse_cleanly")  # fmt: skip


# ---------------------------------------------------------------- 4. async_transfer


def run_mypy(m: Any) -> list[str]:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull,
         "--no-error-summary", "--no-color-output", "--no-pretty", str(m.SUBMISSION_PATH)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return [line for line in done.stdout.splitlines() if ": error:" in line]


@check("transactions.async_transfer")
def test_async_cell_passes_mypy_strict(m: Any, folder: Path) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    url, _path = orm_bank(folder)
    error = raised(lambda: m.make_sessions(url))
    expect(error is None, f"make_sessions({url.split(':')[0]!r}...) raised {describe(error)}",
           "typed_sessionmaker")  # fmt: skip
    sessions = m.make_sessions(url)
    expect(isinstance(sessions, async_sessionmaker), f"make_sessions returned a "
           f"{type(sessions).__name__}, not an async_sessionmaker", "typed_sessionmaker")  # fmt: skip
    errors = run_mypy(m)
    overload = [e for e in errors if "sessionmaker" in e and "call-overload" in e]
    expect(not overload, f"mypy --strict: {overload[:1]}", "typed_sessionmaker")
    expect(not errors, f"mypy --strict: {errors[:2]}", "mypy_strict")


class Statements:
    """Every statement the learner's engine sends, and the ORM statements behind them."""

    def __init__(self, sessions: Any) -> None:
        from sqlalchemy import event

        self.sql: list[str] = []
        self.orm: list[Any] = []
        self.engine = sessions.kw["bind"]
        event.listen(self.engine.sync_engine, "before_cursor_execute", self.on_cursor)
        self.rival: Rival | None = None

    def on_cursor(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        self.sql.append(statement)
        if self.rival is not None:
            self.rival(statement)


ORM_OPENING = {1: 10000, 2: 10000}


def orm_bank(folder: Path, dialect: str = "sqlite") -> tuple[str, Path | None]:
    """A bank for the async exercise: a WAL SQLite file, or a fresh PostgreSQL table."""
    if dialect == "postgresql":
        import psycopg

        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS accounts")
            conn.execute("CREATE TABLE accounts (id integer PRIMARY KEY,"
                         " balance_cents integer NOT NULL CHECK (balance_cents >= 0))")  # fmt: skip
            conn.execute("INSERT INTO accounts VALUES (1, 10000), (2, 10000)")
        params = dict(part.split("=", 1) for part in POSTGRES_DSN.split())
        return (f"postgresql+psycopg://{params['user']}@/{params['dbname']}"
                f"?host={params['host']}&port={params['port']}"), None  # fmt: skip
    path = folder / "orm.db"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript("CREATE TABLE accounts (id INTEGER PRIMARY KEY,"
                           " balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0));"
                           "INSERT INTO accounts VALUES (1, 10000), (2, 10000);")  # fmt: skip
    return f"sqlite+aiosqlite:///{path}", path


def orm_balances(url: str, path: Path | None) -> dict[int, int]:
    if path is not None:
        return committed(path)
    import psycopg

    with psycopg.connect(POSTGRES_DSN) as conn:
        return dict(conn.execute("SELECT id, balance_cents FROM accounts").fetchall())


def dialects() -> list[str]:
    return ["sqlite", "postgresql"] if POSTGRES_DSN else ["sqlite"]


async def dispose(sessions: Any) -> None:
    await sessions.kw["bind"].dispose()


@check("transactions.async_transfer")
def test_async_checks_arguments_before_sql(m: Any, folder: Path) -> None:
    async def scenario() -> None:
        url, path = orm_bank(folder)
        sessions = m.make_sessions(url)
        seen = Statements(sessions)
        for amount, wanted in [(12.5, TypeError), (True, TypeError), (0, ValueError),
                               (-1, ValueError)]:  # fmt: skip
            error = None
            try:
                await m.transfer(sessions, 1, 2, amount)
            except Exception as caught:
                error = caught
            expect(isinstance(error, wanted), f"transfer(sessions, 1, 2, {amount!r}) should "
                   f"raise {wanted.__name__}; got {describe(error)}", "check_arguments")  # fmt: skip
        expect(not seen.sql, f"a refused call sent SQL: {seen.sql[:2]}", "check_arguments")
        await dispose(sessions)

    asyncio.run(scenario())


@check("transactions.async_transfer")
def test_async_rival_writer_waits(m: Any, folder: Path) -> None:
    for dialect in dialects():
        asyncio.run(async_rival(m, folder, dialect))


async def async_rival(m: Any, folder: Path, dialect: str) -> None:
    url, path = orm_bank(folder, dialect)
    sessions = m.make_sessions(url)
    seen = Statements(sessions)
    if dialect == "sqlite":
        assert path is not None  # noqa: S101
        seen.rival = Rival(
            path, "UPDATE accounts SET balance_cents = balance_cents - 100 WHERE id = 1"
        )
        error = None
        try:
            await m.transfer(sessions, 1, 2, 2500)
        except Exception as caught:
            error = caught
        await dispose(sessions)
        expect(error is None, f"transfer(sessions, 1, 2, 2500) raised {describe(error)}",
               "for_update_sqlite")  # fmt: skip
        if seen.rival.outcome.startswith("blocked"):
            judge_sql(path, seen.rival.sql)
        balances = orm_balances(url, path)
        expect(
            balances == {1: 10000 - 2500 - 100, 2: 12500},
            f"on SQLite, a rival debited account 1 by 100 during your transfer "
            f"({seen.rival.outcome}); expected {{1: 7400, 2: 12500}}, got {balances}",
            "for_update_sqlite",
        )
        return
    # PostgreSQL: while the learner's transaction holds the source row, NOWAIT must fail.
    import psycopg
    from sqlalchemy import event

    outcome: list[str] = []

    def rival_at_update(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE") and not outcome:
            with psycopg.connect(POSTGRES_DSN) as rival:
                try:
                    rival.execute("SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE NOWAIT")
                    outcome.append("not locked")
                except psycopg.errors.LockNotAvailable:
                    outcome.append("locked")

    event.listen(sessions.kw["bind"].sync_engine, "before_cursor_execute", rival_at_update)
    await m.transfer(sessions, 1, 2, 2500)
    await dispose(sessions)
    expect(outcome == ["locked"], f"on PostgreSQL, the source row was {outcome} while your "
           "transfer was updating it", "for_update_order")  # fmt: skip


@check("transactions.async_transfer")
def test_async_locks_rows_in_id_order(m: Any, folder: Path) -> None:
    from sqlalchemy import event
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.orm import Session

    locking: list[str] = []

    def on_orm_execute(state: Any) -> None:
        if state.is_select:
            sql = str(state.statement.compile(dialect=postgresql.dialect(),
                                              compile_kwargs={"literal_binds": True}))  # fmt: skip
            locking.append(" ".join(sql.split()))

    event.listen(Session, "do_orm_execute", on_orm_execute)
    try:

        async def scenario() -> None:
            url, _path = orm_bank(folder)
            sessions = m.make_sessions(url)
            await m.transfer(sessions, 2, 1, 100)
            await dispose(sessions)

        asyncio.run(scenario())
    finally:
        event.remove(Session, "do_orm_execute", on_orm_execute)
    selects = [sql for sql in locking if "accounts" in sql]
    expect(selects and all(sql.endswith(("FOR UPDATE", "FOR NO KEY UPDATE")) for sql in selects),
           f"the accounts were read without FOR UPDATE (compiled for PostgreSQL): {selects[:2]}",
           "for_update_order")  # fmt: skip
    if len(selects) == 1:
        ordered = "ORDER BY accounts.id" in selects[0] and "DESC" not in selects[0]
    else:
        ids = [int(found) for sql in selects for found in re.findall(r"accounts\.id = (\d+)", sql)]
        ordered = ids == sorted(ids)
    expect(ordered, f"transfer(sessions, 2, 1, 100) locked the rows in this order: {selects}; "
           "lock them in ascending id order", "lock_order")  # fmt: skip


@check("transactions.async_transfer")
def test_async_concurrent_transfers_keep_balances(m: Any, folder: Path) -> None:
    for dialect in dialects():

        async def scenario(dialect: str = dialect) -> None:
            url, path = orm_bank(folder, dialect)
            sessions = m.make_sessions(url)
            moves = [(1, 2, 100 + i) if i % 2 else (2, 1, 50 + i) for i in range(20)]
            results = await asyncio.gather(
                *(m.transfer(sessions, src, dst, amount) for src, dst, amount in moves),
                return_exceptions=True,
            )
            await dispose(sessions)
            failures = [describe(r) for r in results if isinstance(r, BaseException)]
            expect(not failures, f"on {dialect}, concurrent transfers raised {failures[:2]}",
                   "lock_order" if any("eadlock" in f for f in failures) else "for_update_sqlite")  # fmt: skip
            expected = dict(ORM_OPENING)
            for src, dst, amount in moves:
                expected[src] -= amount
                expected[dst] += amount
            balances = orm_balances(url, path)
            expect(balances == expected, f"on {dialect}, 20 concurrent transfers should leave "
                   f"{expected}; got {balances}", "for_update_sqlite")  # fmt: skip

        asyncio.run(scenario())


@check("transactions.async_transfer")
def test_async_refusals_and_result(m: Any, folder: Path) -> None:
    async def scenario() -> None:
        url, path = orm_bank(folder)
        sessions = m.make_sessions(url)
        try:
            result = await m.transfer(sessions, 1, 2, 2500)
        except Exception as error:
            from sqlalchemy.exc import MissingGreenlet, StatementError
            from sqlalchemy.orm.exc import DetachedInstanceError

            if isinstance(error, MissingGreenlet | DetachedInstanceError) or (
                isinstance(error, StatementError) and isinstance(error.orig, MissingGreenlet)
            ):
                what = re.sub(r" at 0x[0-9a-f]+", "", describe(error)).split(" (Background")[0]
                raise CheckFailure(f"reading the balance after the commit: {what}",
                                   "expire_on_commit") from None  # fmt: skip
            raise
        expect(result == 7500, f"transfer(sessions, 1, 2, 2500) returned {result!r}; expected "
               "the source's new balance, 7500", "returns_balance")  # fmt: skip
        for call, wanted in [
            (m.transfer(sessions, 1, 2, 10**6), m.InsufficientFunds),
            (m.transfer(sessions, 1, 9, 100), m.UnknownAccount),
        ]:
            error = None
            try:
                await call
            except Exception as caught:
                error = caught
            expect(isinstance(error, wanted), f"expected {wanted.__name__}; got {describe(error)}",
                   "refuse_cleanly")  # fmt: skip
        await dispose(sessions)
        balances = orm_balances(url, path)
        expect(balances == {1: 7500, 2: 12500}, f"a refused transfer changed {balances}",
               "refuse_cleanly")  # fmt: skip

    asyncio.run(scenario())


# ---------------------------------------------------------------- running candidates


@contextlib.contextmanager
def captured() -> Iterator[io.StringIO]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


def load_candidate(setup: str, cell: str, folder: Path) -> Any:
    path = folder / "submission.py"
    path.write_text(setup + "\n\n\n" + cell + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("submission", path)
    assert spec is not None  # noqa: S101
    assert spec.loader is not None  # noqa: S101
    module = importlib.util.module_from_spec(spec)
    module.SUBMISSION_PATH = path
    sys.modules["submission"] = module  # SQLAlchemy's declarative classes look it up
    with captured():
        spec.loader.exec_module(module)
    return module


def judge(exercise: str, candidate: Path) -> dict[str, dict[str, object]]:
    """Run every check of one exercise on one candidate cell, in this process."""
    candidate = candidate.resolve()
    setup, _ = notebook_cells()
    results: dict[str, dict[str, object]] = {}
    sys.path.insert(0, str(REPO / "src"))
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            module = load_candidate(setup, candidate.read_text(encoding="utf-8"), Path(folder))
        except Exception as error:
            return {"load": {"ok": False, "message": describe(error), "hint": None}}
        for name, function in CHECKS[exercise].items():
            scratch = Path(folder) / name
            scratch.mkdir()
            started = time.perf_counter()
            try:
                with captured():
                    function(module, scratch)
                outcome: dict[str, object] = {"ok": True, "message": "", "hint": None}
            except CheckFailure as failure:
                outcome = {"ok": False, "message": str(failure), "hint": failure.hint}
            except Exception as error:
                outcome = {"ok": False, "message": f"raised {describe(error)}", "hint": None}
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
            header = dict(re.findall(r"^# (exercise|wrong|caught-by|hint): (.+)$",
                                     path.read_text(encoding="utf-8"), re.MULTILINE))  # fmt: skip
            found.append(Candidate(exercise, f"wrong/{path.stem}", path, "caught",
                                   header["caught-by"], header["hint"]))  # fmt: skip
    return found


def verdict(candidate: Candidate, results: dict[str, dict[str, object]]) -> tuple[bool, str]:
    failed = {name: r for name, r in results.items() if not r["ok"]}
    if candidate.expect == "pass":
        return not failed, "; ".join(f"{n}: {r['message']}" for n, r in failed.items())
    if candidate.expect == "fail":
        return len(failed) == len(results) and "load" not in failed, f"{len(failed)} checks fail"
    named = results.get(candidate.caught_by)
    if named is None:
        return False, f"{candidate.caught_by} is not a check ({sorted(results)})"
    ok = not named["ok"] and named["hint"] == candidate.hint
    return ok, f"{candidate.caught_by}: hint {named['hint']!r} - {named['message']}"


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    sys.path.insert(0, str(HERE))
    from record_postgres import throwaway_cluster

    with throwaway_cluster() as dsn:
        yield dsn


def main() -> int:
    arguments = sys.argv[1:]
    if len(arguments) == 3 and arguments[0] == "--judge":
        print(json.dumps(judge(arguments[1], Path(arguments[2]))))
        return 0
    repeat = 1
    if arguments[:1] == ["--repeat"]:
        repeat, arguments = int(arguments[1]), arguments[2:]
    with contextlib.ExitStack() as stack:
        if arguments[:1] == ["--postgres"]:
            arguments = arguments[1:]
            os.environ["ZENDO_DRAFTS_PG"] = stack.enter_context(postgres())
        only = set(arguments)
        problems = 0
        with tempfile.TemporaryDirectory() as folder:
            for candidate in candidates(Path(folder)):
                if only and candidate.exercise not in only:
                    continue
                outcomes: list[tuple[bool, str]] = []
                for _ in range(repeat):
                    done = subprocess.run(  # noqa: S603
                        [sys.executable, __file__, "--judge", candidate.exercise,
                         str(candidate.path)],
                        capture_output=True, text=True, check=False, timeout=300,
                    )  # fmt: skip
                    try:
                        results = json.loads(done.stdout.strip().splitlines()[-1])
                    except (IndexError, json.JSONDecodeError):
                        results = {"judge": {"ok": False, "message": done.stderr[-500:],
                                             "hint": None}}  # fmt: skip
                    outcomes.append(verdict(candidate, results))
                    total_ms = sum(int(r.get("ms", 0)) for r in results.values())
                agree = sum(ok for ok, _ in outcomes)
                ok = agree == repeat
                problems += not ok
                mark = "ok  " if ok else "BAD "
                runs = f"{agree}/{repeat} " if repeat > 1 else ""
                print(f"{mark} {candidate.exercise:28} {candidate.label:32} {candidate.expect:6} "
                      f"{runs}{total_ms:5d} ms  {outcomes[-1][1][:120]}")  # fmt: skip
    print(f"\n{problems} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
