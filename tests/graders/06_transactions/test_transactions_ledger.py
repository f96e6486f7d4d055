"""v2 graders of transactions.ledger: an append-only double-entry ledger on SQLite.

Each test: a fresh bank (alice 10000, bob 0, carol 500) in the shared folder, the
learner's `create_ledger` on the promised connection, transfers with a fixed clock made
in the sandbox (09:00 at UTC+1, which the judge expects as 08:00 UTC). The judge reads
the ledger, `typeof()` and `PRAGMA table_info` itself, and tries the edits the
statement says must be refused on its own connection. A trigger fails the second entry's
INSERT on every run.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tx_helpers import bank, committed, describe, is_a, judge_sql, report, rows, scenarios

from zendo.judge import Handle, Learner, exercise, expect, fail

OPENING = {"alice": 10000, "bob": 0, "carol": 500}
CLOCK_TEXT = "2027-01-15T08:00:00+00:00"
LEDGER = (
    "SELECT transfer_id, account_id, amount_cents, typeof(amount_cents), created_at"
    " FROM ledger ORDER BY rowid"
)


class Ledger:
    """One test's bank with the learner's ledger, and a traced connection to it."""

    def __init__(self, learner: Learner) -> None:
        self.learner = learner
        helper, _module = scenarios(learner)
        self.name = bank(learner, OPENING)
        self.conn: Handle = helper.keep("Traced", learner.inside(self.name)).handle
        self.clock = helper.keep("fixed_clock", 1).handle
        made = report(self.learner, self.conn.call("call", learner.get("create_ledger").value))
        if made["error"] is not None:
            fail(f"create_ledger(conn) raised {describe(made['error'])}.", hint="ledger_columns")

    def transfer(self, src: str, dst: str, amount: int, transfer_id: str) -> dict[str, Any]:
        function = self.learner.get("transfer").value
        return report(self.learner, self.conn.call("call", function, src, dst, amount,
                                     transfer_id=transfer_id, now=self.clock))  # fmt: skip

    def made(self, src: str, dst: str, amount: int, transfer_id: str, *, hint: str) -> None:
        seen = self.transfer(src, dst, amount, transfer_id)
        shown = f"transfer(conn, {src!r}, {dst!r}, {amount}, transfer_id={transfer_id!r}, now=...)"
        expect(seen["error"] is None, f"{shown} raised {describe(seen['error'])}.", hint=hint)

    def entries(self) -> list[tuple[Any, ...]]:
        return rows(self.learner, self.name, LEDGER)


@exercise("transactions.ledger", title="The ledger has the four columns only")
def test_ledger_columns_hold_no_personal_data(learner: Learner) -> None:
    ledger = Ledger(learner)
    columns = rows(learner, ledger.name, "PRAGMA table_info(ledger)")
    names = {name for _cid, name, kind, _nn, _default, pk in columns
             if not (pk and str(kind).upper() == "INTEGER")}  # fmt: skip
    wanted = {"transfer_id", "account_id", "amount_cents", "created_at"}
    expect(names == wanted,
           f"The ledger's columns are {sorted(names)}; expected exactly {sorted(wanted)} "
           "(plus an optional INTEGER PRIMARY KEY).", hint="ledger_columns")  # fmt: skip


@exercise("transactions.ledger", title="Each transfer writes two entries that sum to zero")
def test_ledger_is_double_entry(learner: Learner) -> None:
    ledger = Ledger(learner)
    ledger.made("alice", "bob", 2500, "t-1", hint="double_entry")
    ledger.made("bob", "carol", 1000, "t-2", hint="double_entry")
    ledger.made("carol", "alice", 1500, "t-3", hint="double_entry")
    entries = ledger.entries()
    first = sorted((account, amount) for tid, account, amount, *_ in entries if tid == "t-1")
    expect(first == [("alice", -2500), ("bob", 2500)],
           f"Transfer t-1 (2500 from alice to bob) wrote {first}; expected two entries: "
           "('alice', -2500) and ('bob', 2500).", hint="double_entry")  # fmt: skip
    balances = committed(learner, ledger.name)
    for account, opening in OPENING.items():
        moved = sum(amount for _t, acc, amount, *_ in entries if acc == account)
        expect(opening + moved == balances.get(account),
               f"{account}: opening {opening} + ledger entries {moved} != balance "
               f"{balances.get(account)}.", hint="double_entry")  # fmt: skip


@exercise("transactions.ledger", title="Entries are written in the transfer's transaction")
def test_ledger_is_written_in_the_same_transaction(learner: Learner) -> None:
    ledger = Ledger(learner)
    judge_sql(learner, ledger.name, "CREATE TRIGGER ledger_offline BEFORE INSERT ON ledger"
              " WHEN NEW.account_id = 'bob' BEGIN SELECT RAISE(ABORT, 'ledger offline'); END")  # fmt: skip
    seen = ledger.transfer("alice", "bob", 2500, "t-9")
    expect(is_a(seen["error"], "sqlite3.IntegrityError"),
           "When the ledger entry for bob fails, transfer should raise sqlite3.IntegrityError; "
           f"got {describe(seen['error'])}.", hint="same_transaction")  # fmt: skip
    balances = committed(learner, ledger.name)
    entries = ledger.entries()
    expect(balances == OPENING and not entries,
           f"The ledger entry for bob failed, so nothing should change; the balances are "
           f"{balances} and the ledger holds {[e[:3] for e in entries]}.",
           hint="same_transaction")  # fmt: skip
    expect(seen["open"] is False, "The failed transfer left its transaction open.",
           hint="same_transaction")  # fmt: skip


@exercise("transactions.ledger", title="The ledger refuses UPDATE and DELETE")
def test_ledger_is_append_only(learner: Learner) -> None:
    ledger = Ledger(learner)
    ledger.made("alice", "bob", 2500, "t-1", hint="append_only")
    before = ledger.entries()
    for sql in ["UPDATE ledger SET amount_cents = 0", "DELETE FROM ledger"]:
        error = judge_sql(learner, ledger.name, sql)
        expect(isinstance(error, sqlite3.IntegrityError),
               f"{sql!r} on the grader's own connection should raise sqlite3.IntegrityError; "
               f"it {'raised ' + repr(error) if error else 'succeeded'}.",
               hint="append_only")  # fmt: skip
    expect(ledger.entries() == before, "The ledger's entries changed.", hint="append_only")


@exercise("transactions.ledger", title="Amounts are stored and kept as integers")
def test_ledger_amounts_are_integers(learner: Learner) -> None:
    ledger = Ledger(learner)
    ledger.made("alice", "bob", 2500, "t-1", hint="integer_amounts")
    kinds = sorted({entry[3] for entry in ledger.entries()})
    expect(kinds == ["integer"], f"The stored amounts have SQLite types {kinds}.",
           hint="integer_amounts")  # fmt: skip
    error = judge_sql(learner, ledger.name,
                      "INSERT INTO ledger (transfer_id, account_id, amount_cents, created_at)"
                      " VALUES ('t-x', 'alice', 12.5, ?)", (CLOCK_TEXT,))  # fmt: skip
    expect(error is not None and type(error).__name__ == "IntegrityError",
           f"The ledger accepted 12.5 as an amount_cents ({error or 'no error'}).",
           hint="integer_amounts")  # fmt: skip


@exercise("transactions.ledger", title="A transfer id is used once")
def test_transfer_id_is_used_once(learner: Learner) -> None:
    ledger = Ledger(learner)
    ledger.made("alice", "bob", 2500, "t-1", hint="unique_transfer_id")
    seen = ledger.transfer("alice", "bob", 2500, "t-1")
    expect(is_a(seen["error"], "sqlite3.IntegrityError"),
           "A second transfer with id 't-1' should raise sqlite3.IntegrityError; got "
           f"{describe(seen['error'])}.", hint="unique_transfer_id")  # fmt: skip
    balances = committed(learner, ledger.name)
    count = len(ledger.entries())
    expect(balances == {"alice": 7500, "bob": 2500, "carol": 500} and count == 2,
           f"The repeated transfer changed something: balances {balances}, {count} entries.",
           hint="unique_transfer_id")  # fmt: skip


@exercise("transactions.ledger", title="The time comes from now(), in UTC")
def test_ledger_time_is_utc_from_the_clock(learner: Learner) -> None:
    ledger = Ledger(learner)
    ledger.made("alice", "bob", 2500, "t-1", hint="utc_clock")
    times = sorted({entry[4] for entry in ledger.entries()})
    expect(times == [CLOCK_TEXT],
           "now() returned 2027-01-15T09:00:00+01:00; created_at should be "
           f"{CLOCK_TEXT!r}, got {times}.", hint="utc_clock")  # fmt: skip


@exercise("transactions.ledger", title="Refusals write nothing")
def test_ledger_refusals_write_nothing(learner: Learner) -> None:
    ledger = Ledger(learner)
    for args, wanted in [
        (("bob", "alice", 1, "t-1"), "InsufficientFunds"),
        (("alice", "bob", 0, "t-2"), "builtins.ValueError"),
        (("alice", "alice", 5, "t-3"), "builtins.ValueError"),
    ]:
        seen = ledger.transfer(*args)
        src, dst, amount, tid = args
        expect(is_a(seen["error"], wanted),
               f"transfer(conn, {src!r}, {dst!r}, {amount}, transfer_id={tid!r}, now=...) "
               f"should raise {wanted.rsplit('.', 1)[-1]}; got {describe(seen['error'])}.",
               hint="refuse_cleanly")  # fmt: skip
    expect(not ledger.entries() and committed(learner, ledger.name) == OPENING,
           "A refused transfer wrote something.", hint="refuse_cleanly")  # fmt: skip
