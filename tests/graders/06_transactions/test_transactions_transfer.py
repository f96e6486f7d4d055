"""v2 graders of transactions.transfer: an atomic transfer on a real SQLite file.

Every test gets a fresh bank file (WAL, alice 10000, bob 0) made by the judge in the
shared folder. A scenario in the sandbox opens the connection the statement promises
(`isolation_level=None, timeout=1`), traces its statements and calls `transfer`; the
judge reads the balances with its own connection. The rival writer strikes at a point
of the learner's statement stream, never at a time, and a trigger fails the credit on
every run: no verdict here depends on timing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tx_helpers import (
    FREEZE,
    OPENING,
    bank,
    committed,
    describe,
    is_a,
    judge_sql,
    report,
    scenarios,
)

from zendo.judge import Handle, Learner, exercise, expect, fail

RIVAL = "UPDATE accounts SET balance_cents = balance_cents - 100 WHERE id = 'alice'"


def traced(learner: Learner, name: str, rival: str | None = None) -> Handle:
    helper, _module = scenarios(learner)
    return helper.keep("Traced", learner.inside(name), rival).handle


def attempt(learner: Learner, conn: Handle, *args: object) -> dict[str, Any]:
    return report(learner, conn.call("call", learner.get("transfer").value, *args))


@exercise("transactions.transfer", title="Arguments are checked before any SQL")
def test_transfer_checks_arguments_before_sql(learner: Learner) -> None:
    name = bank(learner)
    conn = traced(learner, name)
    cases: list[tuple[str, str, object, str]] = [
        ("alice", "bob", 12.5, "TypeError"),
        ("alice", "bob", True, "TypeError"),
        ("alice", "bob", Decimal("1"), "TypeError"),
        ("alice", "bob", 0, "ValueError"),
        ("alice", "bob", -100, "ValueError"),
        ("alice", "alice", 100, "ValueError"),
    ]
    for src, dst, amount, wanted in cases:
        seen = attempt(learner, conn, src, dst, amount)
        shown = f"transfer(conn, {src!r}, {dst!r}, {amount!r})"
        expect(
            is_a(seen["error"], f"builtins.{wanted}"),
            f"{shown} should raise {wanted}; got {describe(seen['error'])}.",
            hint="check_arguments",
        )
        expect(
            not seen["statements"],
            f"{shown} was refused, but it still sent SQL first: {seen['statements'][:2]}.",
            hint="check_arguments",
        )
    expect(committed(learner, name) == OPENING, "a refused call changed the balances.",
           hint="check_arguments")  # fmt: skip


@exercise("transactions.transfer", weight=2, title="A rival writer waits for the transfer")
def test_rival_writer_waits_for_the_transfer(learner: Learner) -> None:
    name = bank(learner)
    conn = traced(learner, name, RIVAL)
    seen = attempt(learner, conn, "alice", "bob", 2500)
    error = seen["error"]
    if is_a(error, "sqlite3.OperationalError") and "syntax" in str(error.get("message", "")):
        fail(f"transfer(conn, 'alice', 'bob', 2500) raised {describe(error)}.",
             hint="no_for_update")  # fmt: skip
    if is_a(error, "sqlite3.OperationalError") and "locked" in str(error.get("message", "")):
        fail(
            "While your transfer was between reading and writing, another connection changed "
            f"Alice's balance; your transfer then failed with {describe(error)}.",
            hint="lock_before_read",
        )
    expect(error is None, f"transfer(conn, 'alice', 'bob', 2500) raised {describe(error)}.",
           hint="lock_before_read")  # fmt: skip
    rival = str(seen["rival"])
    if rival.startswith("blocked"):
        late = judge_sql(learner, name, RIVAL)  # the rival's turn, after the transfer
        expect(late is None, f"The rival still could not write after your transfer: {late}.",
               hint="rollback")  # fmt: skip
    balances = committed(learner, name)
    expect(
        balances == {"alice": 7400, "bob": 2500},
        f"A rival debited Alice 100 while your transfer of 2500 was running ({rival}); "
        f"expected Alice 7400 and Bob 2500, got {balances}: one update was lost.",
        hint="lock_before_read",
    )


@exercise("transactions.transfer", title="A failed credit leaves both balances")
def test_failed_credit_leaves_both_balances(learner: Learner) -> None:
    name = bank(learner)
    judge_sql(learner, name, FREEZE.format(account="bob"))
    seen = attempt(learner, traced(learner, name), "alice", "bob", 2500)
    expect(
        is_a(seen["error"], "sqlite3.IntegrityError"),
        "The credit to a frozen account should raise sqlite3.IntegrityError to the caller; "
        f"got {describe(seen['error'])}.",
        hint="atomic",
    )
    balances = committed(learner, name)
    expect(balances == OPENING,
           f"The credit failed, so nothing should change; the balances are now {balances}.",
           hint="atomic")  # fmt: skip


@exercise("transactions.transfer", title="No transaction is left open")
def test_no_transaction_is_left_open(learner: Learner) -> None:
    name = bank(learner, {"alice": 10000, "bob": 0, "carol": 0})
    judge_sql(learner, name, FREEZE.format(account="carol"))
    conn = traced(learner, name)
    for label, args in [
        ("a transfer that succeeded", ("alice", "bob", 100)),
        ("a transfer refused for lack of funds", ("bob", "alice", 10**6)),
        ("a transfer to an unknown account", ("alice", "zoe", 100)),
        ("a transfer whose credit failed", ("alice", "carol", 100)),
    ]:
        seen = attempt(learner, conn, *args)
        if label == "a transfer that succeeded":
            expect(seen["error"] is None,
                   f"transfer(conn, 'alice', 'bob', 100) raised {describe(seen['error'])}.",
                   hint="moves_exactly")  # fmt: skip
        expect(
            seen["open"] is False,
            f"After {label}, the connection is still inside a transaction "
            "(conn.in_transaction is True): it keeps the write lock and blocks every writer.",
            hint="rollback",
        )


@exercise("transactions.transfer", title="Refusals raise and change nothing")
def test_refusals_change_nothing(learner: Learner) -> None:
    name = bank(learner)
    conn = traced(learner, name)
    for args, wanted, label in [
        (("alice", "bob", 10001), "InsufficientFunds", "10001 from 10000"),
        (("alice", "zoe", 100), "UnknownAccount", "to an unknown account"),
        (("zoe", "bob", 100), "UnknownAccount", "from an unknown account"),
    ]:
        seen = attempt(learner, conn, *args)
        error = seen["error"]
        expect(is_a(error, wanted),
               f"A transfer of {label} should raise {wanted}; got {describe(error)}.",
               hint="refuse_cleanly")  # fmt: skip
        expect("10000" not in str(error.get("message", "")),
               f"The message shows a balance: {describe(error)}.", hint="refuse_cleanly")  # fmt: skip
        balances = committed(learner, name)
        expect(balances == OPENING,
               f"A refused transfer ({label}) changed the balances to {balances}.",
               hint="refuse_cleanly")  # fmt: skip


@exercise("transactions.transfer", title="A transfer moves exactly the amount")
def test_transfer_moves_exactly_the_amount(learner: Learner) -> None:
    name = bank(learner)
    conn = traced(learner, name)
    for args in [("alice", "bob", 2500), ("bob", "alice", 2500), ("alice", "bob", 1)]:
        seen = attempt(learner, conn, *args)
        expect(seen["error"] is None,
               f"transfer(conn, {args[0]!r}, {args[1]!r}, {args[2]}) raised "
               f"{describe(seen['error'])}.", hint="moves_exactly")  # fmt: skip
    balances = committed(learner, name)
    expect(balances == {"alice": 9999, "bob": 1},
           "After 2500 from Alice to Bob, 2500 back (Bob's whole balance) and 1 from Alice, "
           f"expected Alice 9999 and Bob 1; got {balances}.", hint="moves_exactly")  # fmt: skip
