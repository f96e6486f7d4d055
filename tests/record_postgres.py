# ruff: noqa: B023, S608, PT018 - the scenarios' threads are joined in the iteration that
# made them; the only text put into SQL is this file's own lock clause; asserts narrow types.
"""Record the PostgreSQL part of lesson 06_transactions against a real server.

The lesson notebook must run on a laptop without PostgreSQL, so it shows PostgreSQL's
row locks, lock ordering, deadlock detection and serialization failures as code with
output *recorded* by this script. Run it again to reproduce the recording:

    .venv/bin/python tests/record_postgres.py            # throwaway cluster
    .venv/bin/python tests/record_postgres.py --dsn "host=/run/pg dbname=x"

Without --dsn it creates a throwaway cluster in a temporary folder with PostgreSQL 15's
`initdb` (as the `postgres` user when run as root, because initdb refuses root), listens
on a Unix socket only (no TCP port), runs the scenarios, stops the cluster and deletes the
folder. The printed lines are what the lesson quotes; nothing in them depends on the run
(process ids, transaction ids and timings are left out on purpose).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import errors

BIN = Path("/usr/lib/postgresql/15/bin")
PORT = 5439


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A fresh cluster on a Unix socket in a temporary folder; yields its conninfo."""
    folder = Path(tempfile.mkdtemp(prefix="zendo-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, socket_dir = folder / "data", folder
    try:
        subprocess.run(
            [*as_user, str(BIN / "initdb"), "-D", str(data), "--auth=trust", "-U", "postgres"],
            check=True,
            capture_output=True,
        )
        options = f"-k {socket_dir} -c listen_addresses='' -p {PORT}"
        subprocess.run(
            [
                *as_user,
                str(BIN / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(folder / "log"),
                "start",
            ],
            check=True,
            capture_output=True,
        )
        try:
            yield f"host={socket_dir} port={PORT} user=postgres dbname=postgres"
        finally:
            subprocess.run(
                [*as_user, str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                check=False,
                capture_output=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def fresh_accounts(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS accounts")
        conn.execute(
            "CREATE TABLE accounts (id integer PRIMARY KEY,"
            " balance_cents bigint NOT NULL CHECK (balance_cents >= 0))"
        )
        conn.execute("INSERT INTO accounts VALUES (1, 10000), (2, 10000)")


def balances(dsn: str) -> dict[int, int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT id, balance_cents FROM accounts ORDER BY id").fetchall()
    return {row[0]: row[1] for row in rows}


def first_line(error: BaseException) -> str:
    return str(error).splitlines()[0]


def scenario_versions(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        server = conn.execute("SHOW server_version").fetchone()
        level = conn.execute("SHOW default_transaction_isolation").fetchone()
    assert server is not None and level is not None
    print(f"PostgreSQL {server[0].split()[0]}, psycopg {psycopg.__version__}")
    print(f"default isolation level: {level[0]}")


def scenario_row_lock(dsn: str) -> None:
    """A row locked FOR UPDATE: a plain read still works, a second locker is refused."""
    print("\n## 1. A row lock")
    fresh_accounts(dsn)
    with psycopg.connect(dsn) as alice, psycopg.connect(dsn) as bob:
        row = alice.execute("SELECT balance_cents FROM accounts WHERE id = 1 FOR UPDATE").fetchone()
        print("alice locks account 1 and reads", row)
        plain = bob.execute("SELECT balance_cents FROM accounts WHERE id = 1").fetchone()
        print("bob reads it without a lock:", plain)
        bob.rollback()
        try:
            bob.execute("SELECT balance_cents FROM accounts WHERE id = 1 FOR UPDATE NOWAIT")
        except errors.LockNotAvailable as error:
            print(
                f"bob FOR UPDATE NOWAIT: {type(error).__name__} ({error.sqlstate}): {first_line(error)}"
            )
        bob.rollback()
        alice.commit()


def scenario_lost_update(dsn: str) -> None:
    """Read, then write, in two READ COMMITTED transactions: with and without FOR UPDATE."""
    print("\n## 2. Read-modify-write under READ COMMITTED")
    for lock in ("", " FOR UPDATE"):
        fresh_accounts(dsn)
        events: list[str] = []
        with psycopg.connect(dsn) as alice, psycopg.connect(dsn) as bob:
            read = f"SELECT balance_cents FROM accounts WHERE id = 1{lock}"
            seen_a = alice.execute(read).fetchone()
            assert seen_a is not None
            events.append(f"alice reads {seen_a[0]}")
            seen_b: list[int] = []

            def bob_transfer() -> None:
                row = bob.execute(read).fetchone()
                assert row is not None
                seen_b.append(row[0])
                bob.execute("UPDATE accounts SET balance_cents = %s WHERE id = 1", (row[0] - 100,))
                bob.commit()

            rival = threading.Thread(target=bob_transfer)
            rival.start()
            rival.join(timeout=0.5)
            events.append(
                "bob is still waiting for the row lock"
                if rival.is_alive()
                else f"bob read {seen_b[0]} and committed {seen_b[0] - 100}"
            )
            alice.execute("UPDATE accounts SET balance_cents = %s WHERE id = 1", (seen_a[0] - 100,))
            alice.commit()
            events.append(f"alice commits {seen_a[0] - 100}")
            rival.join(timeout=5)
            if "waiting" in events[1]:
                events.append(f"bob's read returns {seen_b[0]}; bob commits {seen_b[0] - 100}")
        label = "with FOR UPDATE" if lock else "without a lock"
        print(f"{label}:")
        for event in events:
            print("  " + event)
        final = balances(dsn)[1]
        lost = 2 - (10000 - final) // 100
        print(f"  final balance {final} after two debits of 100: {lost} lost update(s)")


def lock_both(conn: psycopg.Connection[tuple[int, ...]], first: int, second: int) -> None:
    conn.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (first,))
    conn.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (second,))


def scenario_deadlock(dsn: str) -> None:
    """Transfers 1->2 and 2->1 that lock in the order of the transfer, then in id order."""
    print("\n## 3. Two transfers in opposite directions")
    for ordered in (False, True):
        fresh_accounts(dsn)
        outcome: dict[str, str] = {}
        with psycopg.connect(dsn) as alice, psycopg.connect(dsn) as bob:
            # Bob's session checks for deadlocks first (100 ms), so he is the victim
            # every run; the recording would otherwise depend on timing.
            alice.execute("SET deadlock_timeout = '5s'")
            bob.execute("SET deadlock_timeout = '100ms'")
            alice.commit()
            bob.commit()
            a_order = (1, 2)
            b_order = (1, 2) if ordered else (2, 1)
            alice.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (a_order[0],))
            if not ordered:
                bob.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (b_order[0],))

            def alice_rest() -> None:
                try:
                    alice.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (a_order[1],))
                    alice.execute(
                        "UPDATE accounts SET balance_cents = balance_cents - 100 WHERE id = 1"
                    )
                    alice.execute(
                        "UPDATE accounts SET balance_cents = balance_cents + 100 WHERE id = 2"
                    )
                    alice.commit()
                    outcome["alice (1 -> 2)"] = "committed"
                except errors.DeadlockDetected as error:
                    alice.rollback()
                    outcome["alice (1 -> 2)"] = f"{type(error).__name__} ({error.sqlstate})"

            def bob_rest() -> None:
                try:
                    if ordered:
                        lock_both(bob, *b_order)
                    else:
                        bob.execute(
                            "SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (b_order[1],)
                        )
                    bob.execute(
                        "UPDATE accounts SET balance_cents = balance_cents - 100 WHERE id = 2"
                    )
                    bob.execute(
                        "UPDATE accounts SET balance_cents = balance_cents + 100 WHERE id = 1"
                    )
                    bob.commit()
                    outcome["bob (2 -> 1)"] = "committed"
                except errors.DeadlockDetected as error:
                    bob.rollback()
                    outcome["bob (2 -> 1)"] = (
                        f"{type(error).__name__} ({error.sqlstate}): {first_line(error)}"
                    )

            threads = [threading.Thread(target=alice_rest), threading.Thread(target=bob_rest)]
            threads[0].start()
            time.sleep(0.3)  # alice is now waiting for row 2 (or holds both rows)
            threads[1].start()
            for thread in threads:
                thread.join(timeout=10)
        label = "locks taken in id order" if ordered else "each locks its source first"
        print(f"{label}:")
        for who in sorted(outcome):
            print(f"  {who}: {outcome[who]}")
        print(f"  balances {balances(dsn)}")


def scenario_serialization(dsn: str) -> None:
    """REPEATABLE READ: the second writer of a row fails with 40001 and must retry."""
    print("\n## 4. REPEATABLE READ: a serialization failure")
    fresh_accounts(dsn)
    with psycopg.connect(dsn) as alice, psycopg.connect(dsn) as bob:
        for conn in (alice, bob):
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        a = alice.execute("SELECT balance_cents FROM accounts WHERE id = 1").fetchone()
        b = bob.execute("SELECT balance_cents FROM accounts WHERE id = 1").fetchone()
        assert a is not None and b is not None
        print(f"alice and bob both read {a[0]}")
        alice.execute("UPDATE accounts SET balance_cents = %s WHERE id = 1", (a[0] - 100,))
        alice.commit()
        print(f"alice commits {a[0] - 100}")
        try:
            bob.execute("UPDATE accounts SET balance_cents = %s WHERE id = 1", (b[0] - 100,))
        except errors.SerializationFailure as error:
            print(f"bob's UPDATE: {type(error).__name__} ({error.sqlstate}): {first_line(error)}")
            bob.rollback()
    print(f"final balance {balances(dsn)[1]}: retry bob's whole transaction to apply his debit")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", help="conninfo of an existing server (a scratch database)")
    arguments = parser.parse_args()
    with contextlib.ExitStack() as stack:
        dsn = arguments.dsn or stack.enter_context(throwaway_cluster())
        scenario_versions(dsn)
        scenario_row_lock(dsn)
        scenario_lost_update(dsn)
        scenario_deadlock(dsn)
        scenario_serialization(dsn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
