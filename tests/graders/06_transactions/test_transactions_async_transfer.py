"""v2 graders of transactions.async_transfer: SQLAlchemy 2 async, on SQLite and PostgreSQL.

The scenario in the sandbox calls the learner's `make_sessions(url)` and `transfer`, and
reports every statement that reached the driver (`before_cursor_execute` on the sync
engine), the ORM SELECTs compiled for PostgreSQL, the rival's outcome and each call's
result. On SQLite the bank is a WAL file the judge made in the shared folder; on
PostgreSQL (when `ZENDO_POSTGRES_SERVER` names a server) a database and role of the
test's own, reached through one relayed socket in the shared folder. Lock order is read
from the compiled SQL, not inferred from a deadlock; mypy runs here, on the source text.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from tx_helpers import (
    NO_SERVER,
    bank,
    committed,
    describe,
    is_a,
    judge_sql,
    pg_balances,
    report,
    scenarios,
    scratch_database,
    server,
)

from zendo.judge import (
    Learner,
    Submitted,
    before_tests,
    exercise,
    expect,
    fail,
    grader_imports,
    note,
    run_mypy_graded,
    show,
    start_mypy_graded,
)

logger = logging.getLogger(__name__)
# What the scenario loads in the sandbox beyond the learner's imports: the aiosqlite
# dialect of its first engine, and the PostgreSQL dialect its ORM SELECTs are compiled
# for (about 55 ms of a warm check), which a spare imports ahead, off the clock.
grader_imports(
    "transactions.async_transfer",
    "sqlalchemy.dialects.sqlite.aiosqlite",
    "sqlalchemy.dialects.postgresql",
)
OPENING = {1: 10000, 2: 10000}
RIVAL = "UPDATE accounts SET balance_cents = balance_cents - 100 WHERE id = 1"
MOVES = [[1, 2, 100 + i] if i % 2 else [2, 1, 50 + i] for i in range(20)]
CELL = "learner_transactions.py"


def sqlite_bank(learner: Learner) -> tuple[str, str]:
    name = bank(learner, OPENING, integer_ids=True)
    return name, f"sqlite+aiosqlite:///{learner.inside(name)}"


def run(learner: Learner, url: str, calls: list[list[int]], **options: Any) -> dict[str, Any]:
    helper, module = scenarios(learner)
    seen = report(learner, helper.call("run_async", module, url, calls, **options))
    if seen["made"] is not None:
        fail(f"make_sessions(url) raised {describe(seen['made'])}.", hint="typed_sessionmaker")
    return seen


def results(seen: dict[str, Any]) -> list[dict[str, Any]]:
    found = seen["results"]
    return [entry for entry in found if type(entry) is dict] if type(found) is list else []


def postgres() -> dict[str, Any] | None:
    """The server to grade on too, or None: then the verdict says so (issue 14).

    Asked at the start of a test, so the note is there whether its SQLite half passes or
    not: the PostgreSQL half will not run either way.
    """
    found = server()
    if found is None:
        logger.info("PostgreSQL part skipped", extra={"reason": NO_SERVER})
        note(f"{NO_SERVER}.")
    return found


def expect_no_events_on_postgres(seen: dict[str, Any]) -> None:
    for entry in results(seen):
        error = entry.get("error")
        message = str(error.get("message", "")) if error is not None else ""
        if "IMMEDIATE" in message or "isolation_level" in message:
            fail(f"On PostgreSQL, your transfer raised {describe(error)}.",
                 hint="sqlite_events_only")  # fmt: skip


@before_tests("transactions.async_transfer")
def start_mypy(submitted: Submitted) -> None:
    """mypy checks the cell on the other core while the sandbox answers the other tests."""
    start_mypy_graded({CELL: submitted.source})


@exercise("transactions.async_transfer", title="Arguments are checked before any SQL")
def test_async_checks_arguments_before_sql(learner: Learner) -> None:
    _name, url = sqlite_bank(learner)
    cases: list[tuple[object, str]] = [(12.5, "TypeError"), (True, "TypeError"),
                                       (0, "ValueError"), (-1, "ValueError")]  # fmt: skip
    seen = run(learner, url, [[1, 2, amount] for amount, _ in cases])
    for (amount, wanted), entry in zip(cases, results(seen), strict=False):
        expect(is_a(entry.get("error"), f"builtins.{wanted}"),
               f"transfer(sessions, 1, 2, {amount!r}) should raise {wanted}; got "
               f"{describe(entry.get('error'))}.", hint="check_arguments")  # fmt: skip
    expect(not seen["sql"], f"A refused call sent SQL: {seen['sql'][:2]}.",
           hint="check_arguments")  # fmt: skip


@exercise("transactions.async_transfer", weight=2, title="A rival writer cannot spoil it")
def test_async_rival_writer_waits(learner: Learner) -> None:
    found = postgres()
    name, url = sqlite_bank(learner)
    seen = run(learner, url, [[1, 2, 2500]], rival=[learner.inside(name), RIVAL])
    error = results(seen)[0].get("error") if results(seen) else None
    expect(error is None, f"On SQLite, transfer(sessions, 1, 2, 2500) raised {describe(error)}.",
           hint="for_update_sqlite")  # fmt: skip
    rival = str(seen["rival"])
    if rival.startswith("blocked"):
        judge_sql(learner, name, RIVAL)
    balances = committed(learner, name)
    expect(balances == {1: 7400, 2: 12500},
           f"On SQLite, a rival debited account 1 by 100 during your transfer ({rival}); "
           f"expected {{1: 7400, 2: 12500}}, got {balances}: one update was lost.",
           hint="for_update_sqlite")  # fmt: skip
    if found is None:
        return
    with scratch_database(learner, found) as scratch:
        seen = run(learner, scratch.url, [[1, 2, 2500]], nowait=scratch.nowait)
        expect_no_events_on_postgres(seen)
        error = results(seen)[0].get("error") if results(seen) else None
        expect(error is None,
               f"On PostgreSQL, transfer(sessions, 1, 2, 2500) raised {describe(error)}.",
               hint="for_update_order")  # fmt: skip
        expect(seen["rival"] == "locked",
               "On PostgreSQL, a rival's SELECT ... FOR UPDATE NOWAIT on account 1 found it "
               f"{seen['rival']} while your transfer was updating it.", hint="for_update_order")  # fmt: skip


@exercise("transactions.async_transfer", title="Rows are locked in ascending id order")
def test_async_locks_rows_in_id_order(learner: Learner) -> None:
    _name, url = sqlite_bank(learner)
    seen = run(learner, url, [[2, 1, 100]], orm=True)
    orm = seen["orm"] if type(seen["orm"]) is list else []
    selects = [sql for sql in orm if type(sql) is str and "accounts" in sql]
    expect(selects and all(sql.endswith(("FOR UPDATE", "FOR NO KEY UPDATE")) for sql in selects),
           "transfer(sessions, 2, 1, 100) read the accounts without FOR UPDATE (its SELECTs "
           f"compiled for PostgreSQL): {selects[:2]}.", hint="for_update_order")  # fmt: skip
    if len(selects) == 1:
        ordered = "ORDER BY accounts.id" in selects[0] and "DESC" not in selects[0]
    else:
        ids = [int(found) for sql in selects for found in re.findall(r"accounts\.id = (\d+)", sql)]
        ordered = ids == sorted(ids)
    expect(ordered, f"transfer(sessions, 2, 1, 100) locked the rows in this order: {selects}; "
           "lock them in ascending id order.", hint="lock_order")  # fmt: skip


def expect_concurrent(seen: dict[str, Any], where: str, balances: dict[int, int]) -> None:
    failures = [describe(entry.get("error")) for entry in results(seen) if entry.get("error")]
    if any("eadlock" in failure for failure in failures):
        fail(f"On {where}, 20 concurrent transfers raised {failures[:2]}.", hint="lock_order")
    expect(not failures, f"On {where}, 20 concurrent transfers raised {failures[:2]}.",
           hint="for_update_sqlite")  # fmt: skip
    expected = dict(OPENING)
    for src, dst, amount in MOVES:
        expected[src] -= amount
        expected[dst] += amount
    expect(balances == expected,
           f"On {where}, 20 concurrent transfers should leave {expected}; got {balances}.",
           hint="for_update_sqlite")  # fmt: skip


@exercise("transactions.async_transfer", title="Twenty concurrent transfers keep the balances")
def test_async_concurrent_transfers_keep_balances(learner: Learner) -> None:
    found = postgres()
    name, url = sqlite_bank(learner)
    seen = run(learner, url, MOVES, concurrent=True)
    expect_concurrent(seen, "SQLite", committed(learner, name))
    if found is None:
        return
    with scratch_database(learner, found) as scratch:
        # One cent there and back first: an answer that cannot make one transfer on
        # PostgreSQL fails here at once, not after twenty tasks wait for a broken pool.
        probe = run(learner, scratch.url, [[1, 2, 1], [2, 1, 1]])
        expect_no_events_on_postgres(probe)
        failed = [describe(e.get("error")) for e in results(probe) if e.get("error")]
        expect(not failed, f"On PostgreSQL, a transfer of one cent raised {failed[:1]}.",
               hint="for_update_order")  # fmt: skip
        seen = run(learner, scratch.url, MOVES, concurrent=True)
        expect_no_events_on_postgres(seen)
        expect_concurrent(seen, "PostgreSQL", pg_balances(scratch))


@exercise("transactions.async_transfer", title="Refusals, and the balance it returns")
def test_async_refusals_and_result(learner: Learner) -> None:
    name, url = sqlite_bank(learner)
    seen = run(learner, url, [[1, 2, 2500], [1, 2, 10**6], [1, 9, 100]])
    done = results(seen)
    first = done[0] if done else {}
    error = first.get("error")
    if is_a(error, "MissingGreenlet", "DetachedInstanceError") or (
        error is not None and "greenlet" in str(error.get("message", ""))
    ):
        message = re.sub(r" at 0x[0-9a-f]+", "", describe(error))
        fail(f"transfer(sessions, 1, 2, 2500) failed reading the balance after the commit: "
             f"{message}.", hint="expire_on_commit")  # fmt: skip
    expect(error is None, f"transfer(sessions, 1, 2, 2500) raised {describe(error)}.",
           hint="returns_balance")  # fmt: skip
    value = first.get("value")
    expect(type(value) is int and value == 7500,
           f"transfer(sessions, 1, 2, 2500) returned {show(value)}; expected the source's new "
           "balance, 7500.", hint="returns_balance")  # fmt: skip
    for entry, wanted, shown in [
        (done[1], "InsufficientFunds", "transfer(sessions, 1, 2, 1000000)"),
        (done[2], "UnknownAccount", "transfer(sessions, 1, 9, 100)"),
    ]:
        expect(is_a(entry.get("error"), wanted),
               f"{shown} should raise {wanted}; got {describe(entry.get('error'))}.",
               hint="refuse_cleanly")  # fmt: skip
    balances = committed(learner, name)
    expect(balances == {1: 7500, 2: 12500},
           f"After one transfer of 2500 and two refusals, the balances are {balances}; "
           "expected {1: 7500, 2: 12500}.", hint="refuse_cleanly")  # fmt: skip


# Last on purpose: its mypy run, started by `start_mypy` before the first test, checks on
# the other core while the sandbox answers the tests above; asked for first, it was
# waited for while the sandbox had nothing to do (about 100 ms of the check).
@exercise("transactions.async_transfer", title="A typed factory, and mypy --strict is clean")
def test_async_cell_passes_mypy_strict(learner: Learner, submitted: Submitted) -> None:
    _name, url = sqlite_bank(learner)
    seen = run(learner, url, [])
    factory = seen["factory"]
    expect(
        type(factory) is list and "sqlalchemy.ext.asyncio.session.async_sessionmaker" in factory,
        f"make_sessions(url) returned a {show(factory[0] if factory else None)}, not an "
        "async_sessionmaker.",
        hint="typed_sessionmaker",
    )
    checked = run_mypy_graded({CELL: submitted.source})
    if checked.crashed:
        fail("mypy could not check your cell; run it to see that it is valid Python, then "
             "check again.", hint="mypy_strict")  # fmt: skip
    findings = [f for f in checked.in_file(CELL) if submitted.cell_line(f.line) is not None]
    overload = [f for f in findings if "sessionmaker" in f.message]
    if overload:
        fail(f"mypy --strict at {submitted.where(overload[0].line)}: {overload[0].message}",
             hint="typed_sessionmaker")  # fmt: skip
    if findings:
        listed = "; ".join(f"{submitted.where(f.line)}: {f.message}" for f in findings[:2])
        fail(f"mypy --strict finds {len(findings)} problem(s) in your cell: {listed}",
             hint="mypy_strict")  # fmt: skip
