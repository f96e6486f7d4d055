"""v2 graders of transactions.stress: connections for worker threads, and a stress run.

The settings of `connect(path)` are read back exactly (isolation_level, PRAGMA
busy_timeout, PRAGMA journal_mode): the same verdict on every run. The stress run is a
fixed workload (`random.Random(2026)`) on 8 threads in the learner's process, and the
judge checks the balances with its own connection: a correct answer always passes; a
wrong one usually fails, which is why this exercise is worth 2 points and its
concurrency gate is exercise 1's rival writer.
"""

from __future__ import annotations

import random

from tx_helpers import bank, committed, describe, is_a, report, scenarios

from zendo.judge import Learner, exercise, expect, fail, show

ACCOUNTS = {"a": 5000, "b": 5000, "c": 5000, "d": 5000}
THREADS = 8
# 1,600 cost 3 s a check on a busy machine; 400 still caught deferred_begin 20 of 20. With
# the scenario's scratch connections (no fsync, a yield between a read and the next
# write: tx_scenarios.scratch_connect) 200 of 200 at load 10, about 25 ms a run.
COUNT = 400


def settings(learner: Learner, *, wal: bool = True) -> dict[str, object]:
    helper, module = scenarios(learner)
    name = bank(learner, wal=wal)
    return report(learner, helper.call("make_connection", module, learner.inside(name)))


def workload() -> list[tuple[str, str, int]]:
    rng = random.Random(2026)  # noqa: S311 - a fixed workload, not a secret
    transfers = []
    for _ in range(COUNT):
        src, dst = rng.sample(sorted(ACCOUNTS), 2)
        transfers.append((src, dst, rng.randint(1, 500)))
    return transfers


@exercise("transactions.stress", title="connect() leaves transactions to your code")
def test_connect_is_in_autocommit_mode(learner: Learner) -> None:
    level = settings(learner)["isolation_level"]
    expect(level is None,
           f"connect() gives a connection with isolation_level={level!r}; it should be None.",
           hint="autocommit_mode")  # fmt: skip


@exercise("transactions.stress", title="connect() waits for the lock")
def test_connect_waits_for_the_lock(learner: Learner) -> None:
    waits = settings(learner)["busy_timeout"]
    expect(type(waits) is int and waits >= 5000,
           f"connect() waits {show(waits)} ms for a lock (PRAGMA busy_timeout); at least 5000 "
           "are needed.", hint="busy_timeout")  # fmt: skip


@exercise("transactions.stress", title="connect() switches the file to WAL")
def test_connect_uses_wal(learner: Learner) -> None:
    mode = settings(learner, wal=False)["journal_mode"]
    expect(mode == "wal",
           f"connect() leaves the journal mode at {show(mode)}; it should be 'wal'.",
           hint="wal_mode")  # fmt: skip


@exercise("transactions.stress", weight=2, title="Eight threads keep every balance")
def test_stress_keeps_every_balance(learner: Learner) -> None:
    helper, module = scenarios(learner)
    # The file starts in WAL mode: eight connections switching a rollback-journal file to
    # WAL at once can get "database is locked" from the switch itself, even with a busy
    # timeout, which would fail correct answers by chance. test_connect_uses_wal checks
    # that connect() switches it.
    name = bank(learner, ACCOUNTS, wal=True)
    transfers = workload()
    payload = [list(transfer) for transfer in transfers]
    seen = report(
        learner, helper.call("run_stress", module, learner.inside(name), payload, THREADS)
    )
    error = seen["error"]
    shown = f"transfer_many(path, <{COUNT:,} transfers>, {THREADS})"
    if is_a(error, "sqlite3.ProgrammingError") and "thread" in str(error.get("message", "")):
        fail(f"{shown} raised {describe(error)}.", hint="own_connection")
    expect(error is None, f"{shown} raised {describe(error)}.", hint="stress_invariant")
    made = seen["made"]
    expect(
        type(made) is list and len(made) == COUNT and all(type(flag) is bool for flag in made),
        f"{shown} should return {COUNT:,} bools, one per transfer; got {show(made)}.",
        hint="stress_invariant",
    )
    assert isinstance(made, list)
    expected = dict(ACCOUNTS)
    for (src, dst, amount), flag in zip(transfers, made, strict=True):
        if flag:
            expected[src] -= amount
            expected[dst] += amount
    expect(min(expected.values()) >= 0,
           f"{shown}: the transfers marked True would overdraw an account.",
           hint="stress_invariant")  # fmt: skip
    balances = committed(learner, name)
    expect(
        balances == expected,
        f"After the transfers {shown} marked True, the balances should be {expected}; they "
        f"are {balances} (total {sum(balances.values())}, opening total 20000).",
        hint="stress_invariant",
    )
