"""Helpers the transactions graders share: banks the judge owns, and what it reads back.

Everything here runs in the trusted judge process. The judge creates each SQLite bank
file in the sandbox's shared folder (the only folder both sides see, read-write, so that
SQLite can put its `-wal` and `-shm` files beside it), the scenarios in the sandbox open
it with the statement's settings, and the judge reads the committed rows with its own
connection, refusing symlinks. For PostgreSQL it makes a role of the test's own, with a
random password and one schema of the `scratch` database, and relays one socket in the
shared folder to the server; the learner's code gets that URL and nothing else.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tx_scenarios import SCENARIOS_MODULE, SOURCE

from zendo.judge import Handle, Learner, LearnerFailure
from zendo.judge.socket_relay import SocketRelay

SERVER_ENV = "ZENDO_POSTGRES_SERVER"  # set by tests/postgres_cluster.py, or an instructor
RELAY_PORT = 5439
NO_SERVER = "no PostgreSQL server here: the async transfer was graded on SQLite only"
OPENING = {"alice": 10000, "bob": 0}
FREEZE = (
    "CREATE TRIGGER frozen BEFORE UPDATE ON accounts WHEN NEW.id = '{account}'"
    " BEGIN SELECT RAISE(ABORT, 'account frozen'); END"
)
SCHEMA = (
    "CREATE TABLE accounts (id {kind} PRIMARY KEY,"
    " balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0))"
)
_counter = itertools.count(1)


def scenarios(learner: Learner) -> tuple[Handle, Handle]:
    """The scenarios' module in the sandbox (sent once per sandbox), and the learner's module."""
    return learner.helper(SCENARIOS_MODULE, SOURCE)


def bank(learner: Learner, balances: dict[Any, int] | None = None, *, wal: bool = True,
         integer_ids: bool = False) -> str:  # fmt: skip
    """A fresh bank file in the shared folder; its name there (see `inside`)."""
    name = f"bank-{next(_counter)}.db"
    with contextlib.closing(sqlite3.connect(learner.sandbox.shared / name)) as conn:
        conn.execute("PRAGMA synchronous = OFF")  # a scratch file: no fsync to wait for
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(SCHEMA.format(kind="INTEGER" if integer_ids else "TEXT"))
        conn.executemany("INSERT INTO accounts VALUES (?, ?)", (balances or OPENING).items())
        conn.commit()
    return name


def _checked(learner: Learner, name: str) -> Path:
    """The judge's path to a bank file, after refusing symlinks and odd files beside it."""
    path = learner.sandbox.shared / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            mode = os.lstat(f"{path}{suffix}").st_mode
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(mode):
            raise LearnerFailure(f"{name}{suffix} in the shared folder is not a plain file.")
    return path


def committed(learner: Learner, name: str, sql: str = "SELECT id, balance_cents FROM accounts"
              ) -> dict[Any, Any]:  # fmt: skip
    """What is committed, read through the judge's own connection."""
    with contextlib.closing(sqlite3.connect(_checked(learner, name), timeout=5)) as conn:
        return dict(conn.execute(sql).fetchall())


def rows(learner: Learner, name: str, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(_checked(learner, name), timeout=5)) as conn:
        return conn.execute(sql).fetchall()


def judge_sql(learner: Learner, name: str, sql: str, parameters: tuple[object, ...] = ()
              ) -> sqlite3.Error | None:  # fmt: skip
    """Run one statement on the judge's own connection (timeout 0); the error, if any."""
    path = _checked(learner, name)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None, timeout=0)) as conn:
        try:
            conn.execute(sql, parameters)
        except sqlite3.Error as error:
            return error
    return None


def classes_of(error: object) -> list[str]:
    if isinstance(error, dict) and isinstance(error.get("classes"), list):
        return [name for name in error["classes"] if type(name) is str]
    return []


def is_a(error: object, *names: str) -> bool:
    """True if the scenario's reported exception is (a subclass of) one of `names`."""
    found = classes_of(error)
    return any(c == n or c.endswith("." + n) for c in found for n in names)


def describe(error: object) -> str:
    """`ValueError: message`, or `nothing was raised`."""
    found = classes_of(error)
    if not found:
        return "nothing was raised"
    assert isinstance(error, dict)
    message = str(error.get("message", "")).strip().splitlines()
    name = found[0].rsplit(".", 1)[-1]
    return f"{name}: {message[0]}" if message else name


def report(learner: Learner, observed: Any) -> dict[str, Any]:
    """A scenario's report: a dict, or a learner failure (its code broke the scenario).

    A starter's `raise NotImplementedError` anywhere in it gets the engine's own "not
    done yet" message, whatever call met it first.
    """
    value = observed.value
    if type(value) is not dict:
        raise LearnerFailure(f"The grader's scenario got {value!r} back instead of a report.")
    found = [value.get("error"), value.get("made")]
    listed = value.get("results")
    if type(listed) is list:
        found += [entry.get("error") for entry in listed if type(entry) is dict]
    if any(is_a(error, "builtins.NotImplementedError") for error in found):
        raise LearnerFailure(
            f"{learner.exercise_id} is not done yet: your code still raises "
            "NotImplementedError. Replace the `raise NotImplementedError` line with your "
            "solution."
        )
    return value


# ---------------------------------------------------------------- PostgreSQL


@dataclass(frozen=True)
class Scratch:
    """One test's own role and schema on the server, reached through the relay."""

    url: str  # what the learner's make_sessions gets
    nowait: str  # a conninfo for the scenario's rival, the same role, through the relay
    admin: str  # the judge's conninfo to the same database
    schema: str  # the role's own schema, where its accounts table is


def server() -> dict[str, Any] | None:
    """The server's settings from the environment, or None (grade on SQLite only)."""
    raw = os.environ.get(SERVER_ENV, "")
    if not raw:
        return None
    found = json.loads(raw)
    return found if isinstance(found, dict) else None


SCRATCH_DB = "scratch"


def _ensure_scratch(base: str) -> None:
    """The shared `scratch` database, created on first use (test schemas live in it)."""
    import psycopg
    from psycopg import errors

    with psycopg.connect(base + " dbname=postgres", autocommit=True) as admin:
        if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (SCRATCH_DB,)).fetchone():
            return
        with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
            admin.execute(f"CREATE DATABASE {SCRATCH_DB}")


@contextlib.contextmanager
def scratch_database(learner: Learner, found: dict[str, Any]) -> Iterator[Scratch]:
    """A role of this test's own, with a random password, owning one schema of `scratch`.

    The role's search_path is its schema, so the learner's plain `accounts` is its own
    table; it has no right on any other schema, and its password is known only to this
    test and to the learner's process. The socket reaches the server through a relay in
    the shared folder. Everything is dropped at the end, connections included.
    """
    import psycopg
    from psycopg import sql

    name = f"zendo_{secrets.token_hex(6)}"
    password = secrets.token_hex(16)
    base = (
        f"host={found['socket_dir']} port={found['port']} user={found['user']} "
        f"password={found['password']}"
    )
    _ensure_scratch(base)
    admin_info = f"{base} dbname={SCRATCH_DB}"
    role = sql.Identifier(name)
    with psycopg.connect(admin_info, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} CONNECTION LIMIT 40").format(
            role, sql.Literal(password)))  # fmt: skip
        admin.execute(sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(role, role))
        admin.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(role, role))
        admin.execute(sql.SQL(
            "CREATE TABLE {}.accounts (id integer PRIMARY KEY,"
            " balance_cents integer NOT NULL CHECK (balance_cents >= 0))").format(role))  # fmt: skip
        admin.execute(sql.SQL("INSERT INTO {}.accounts VALUES (1, 10000), (2, 10000)").format(role))
        admin.execute(sql.SQL("ALTER TABLE {}.accounts OWNER TO {}").format(role, role))
    try:
        listen = learner.sandbox.shared / "pg" / f".s.PGSQL.{RELAY_PORT}"
        target = Path(found["socket_dir"]) / f".s.PGSQL.{found['port']}"
        inside = f"{learner.sandbox.shared_inside}/pg"
        with SocketRelay(listen, target):
            yield Scratch(
                url=f"postgresql+psycopg://{name}:{password}@/{SCRATCH_DB}"
                f"?host={inside}&port={RELAY_PORT}",
                nowait=f"host={inside} port={RELAY_PORT} user={name} password={password} "
                f"dbname={SCRATCH_DB}",
                admin=admin_info,
                schema=name,
            )
    finally:
        with psycopg.connect(admin_info, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (name,),
            )
            admin.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(role))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(role))


def pg_balances(scratch: Scratch) -> dict[int, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(scratch.admin) as conn:
        table = sql.Identifier(scratch.schema, "accounts")
        query = sql.SQL("SELECT id, balance_cents FROM {}").format(table)
        return dict(conn.execute(query).fetchall())
