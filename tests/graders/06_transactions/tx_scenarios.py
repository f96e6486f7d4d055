"""The transactions graders' scenario code, sent into the sandbox with `learner.define`.

Transactions are state inside the learner's process (a connection's open transaction,
its trace callback, threads, an event loop), so each observation needs a little code
running beside the submission: it opens the connection the statement promises, calls
the learner's function, and reports what it saw as plain data (statements, the rival's
outcome, exception class names). It holds no expected value: the judge compares.

The rival writer lives here too, as a second connection inside the learner's process:
protocol v1 has no way for the sandbox to call the judge back in the middle of a
learner's call, and a rival in the learner's process can only be lied about by the
learner's own code, which could as well lie about its transfer.
"""

from __future__ import annotations

SCENARIOS_MODULE = "zendo_transactions_scenarios"

SOURCE = r'''
import contextlib
import re
import sqlite3
import time


def error_data(error):
    """An exception as plain data: its classes (module.QualName) and message."""
    if error is None:
        return None
    classes = [f"{k.__module__}.{k.__qualname__}" for k in type(error).__mro__][:16]
    return {"classes": classes, "message": str(error)[:600]}


class Traced:
    """The learner's connection (isolation_level=None, timeout=1), every statement seen.

    With `rival_sql`, a second connection runs that write (timeout=0: blocked is an
    immediate error, never a wait) at the start of the first statement after the first
    one that mentions `accounts`: between a transfer's read and its write.
    """

    def __init__(self, path, rival_sql=None):
        self.path = path
        self.statements = []
        self.rival_sql = rival_sql
        self.rival = "did not run"
        self.touched = False
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=1)
        # A scratch file: commits need not wait for the disk. Locking is unchanged.
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.set_trace_callback(self.seen)

    def seen(self, statement):
        self.statements.append(statement)
        if self.rival_sql is None or self.rival != "did not run":
            return
        if self.touched:
            rival = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            try:
                rival.execute(self.rival_sql)
                self.rival = "applied"
            except sqlite3.Error as error:
                self.rival = f"blocked ({error})"
            finally:
                rival.close()
        elif re.search(r"\baccounts\b", statement, re.IGNORECASE):
            self.touched = True

    def call(self, function, *args, **kwargs):
        """Call function(conn, *args); report the exception, the statements and the state."""
        before = len(self.statements)
        error = None
        try:
            function(self.conn, *args, **kwargs)
        except Exception as caught:
            error = caught
        self.conn.set_trace_callback(None)
        open_after = self.conn.in_transaction
        if open_after:
            self.conn.execute("ROLLBACK")  # so the judge reads what would be committed
        self.conn.set_trace_callback(self.seen)
        return {
            "error": error_data(error),
            "statements": self.statements[before:],
            "open": open_after,
            "rival": self.rival,
        }

    def close(self):
        self.conn.close()


def fixed_clock(hours_east):
    """A now() that always returns 2027-01-15 09:00 in a zone `hours_east` hours east of UTC."""
    from datetime import datetime, timedelta, timezone

    moment = datetime(2027, 1, 15, 9, 0, tzinfo=timezone(timedelta(hours=hours_east)))
    return lambda: moment


def make_connection(module, path):
    """connect(path) of the learner, and what the grader reads back from it."""
    conn = module.connect(path)
    try:
        return {
            "isolation_level": conn.isolation_level,
            "busy_timeout": conn.execute("PRAGMA busy_timeout").fetchone()[0],
            "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
        }
    finally:
        conn.close()


WRITES = frozenset({"INSERT", "UPDATE", "REPLACE", "DELETE", "COMMIT"})


def scratch_connect(real):
    """sqlite3.connect for the stress run: no wait for the disk, and a yield after reads.

    The bank is a scratch file, so commits need not wait for the disk (PRAGMA synchronous
    = OFF); locking is unchanged. Waiting for the disk on each of 400 commits cost 0.4 to
    2 s a check on a busy machine, and it was also what made the threads overlap. The
    trace hook gives that overlap back where a wrong answer needs it: after a SELECT, the
    connection's next write first lets the other threads run (time.sleep(0) releases the
    GIL), so a read-then-write outside BEGIN IMMEDIATE meets another thread's commit in
    between (deferred_begin: caught 200 runs of 200 at load 10). An answer that writes
    first is never held.
    """

    def connect(*args, **kwargs):
        conn = real(*args, **kwargs)
        with contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA synchronous = OFF")
        after_read = [False]

        def seen(statement):
            words = statement.split(None, 1)
            verb = words[0].upper() if words else ""
            if verb == "SELECT":
                after_read[0] = True
            elif after_read[0] and verb in WRITES:
                after_read[0] = False
                time.sleep(0)

        conn.set_trace_callback(seen)
        return conn

    return connect


def run_stress(module, path, transfers, threads):
    error = None
    made = None
    real = sqlite3.connect
    sqlite3.connect = scratch_connect(real)
    try:
        made = module.transfer_many(path, [tuple(t) for t in transfers], threads)
    except Exception as caught:
        error = caught
    finally:
        sqlite3.connect = real
    if made is not None and type(made) is not list:
        made = repr(made)[:200]
    return {"error": error_data(error), "made": made}


def skip_fsync(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous = OFF")
    finally:
        cursor.close()


def run_async(module, url, calls, concurrent=False, rival=None, nowait=None, orm=False):
    """make_sessions(url), then transfer(sessions, *call) for each call; what was seen.

    calls: lists [src, dst, amount]. concurrent: all at once with asyncio.gather.
    rival: SQLite (path, sql) for a Traced-style rival; nowait: a PostgreSQL conninfo
    whose connection tries `SELECT ... FOR UPDATE NOWAIT` on account 1 at the learner's
    first UPDATE. orm: also compile every ORM SELECT for PostgreSQL.
    """
    import asyncio  # here, not above: the stress exercise's sandbox never needs it (45 ms)

    report = {"factory": None, "made": None, "sql": [], "orm": [], "rival": "did not run",
              "results": []}
    try:
        sessions = module.make_sessions(url)
    except Exception as error:
        report["made"] = error_data(error)
        return report
    report["factory"] = [f"{k.__module__}.{k.__qualname__}" for k in type(sessions).__mro__]
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    try:
        engine = sessions.kw["bind"]
    except Exception as error:
        report["made"] = error_data(error)
        return report
    touched = []

    def on_cursor(_conn, _cursor, statement, *_rest):
        report["sql"].append(statement)
        if rival is not None and report["rival"] == "did not run":
            if touched:
                other = sqlite3.connect(rival[0], isolation_level=None, timeout=0)
                try:
                    other.execute(rival[1])
                    report["rival"] = "applied"
                except sqlite3.Error as error:
                    report["rival"] = f"blocked ({error})"
                finally:
                    other.close()
            elif re.search(r"\baccounts\b", statement, re.IGNORECASE):
                touched.append(statement)
        if nowait is not None and report["rival"] == "did not run":
            if statement.lstrip().upper().startswith("UPDATE"):
                import psycopg

                with psycopg.connect(nowait) as other:
                    try:
                        other.execute("SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE NOWAIT")
                        report["rival"] = "not locked"
                    except psycopg.errors.LockNotAvailable:
                        report["rival"] = "locked"

    def on_orm(state):
        if state.is_select:
            from sqlalchemy.dialects import postgresql

            sql = str(state.statement.compile(dialect=postgresql.dialect(),
                                              compile_kwargs={"literal_binds": True}))
            report["orm"].append(" ".join(sql.split()))

    if engine.sync_engine.dialect.name == "sqlite":
        # A scratch file: commits need not wait for the disk. Locking is unchanged.
        event.listen(engine.sync_engine, "connect", skip_fsync)
    event.listen(engine.sync_engine, "before_cursor_execute", on_cursor)
    if orm:
        event.listen(Session, "do_orm_execute", on_orm)

    async def one(call):
        try:
            return {"value": await module.transfer(sessions, *call)}
        except Exception as error:
            return {"error": error_data(error)}

    async def main():
        try:
            if concurrent:
                report["results"] = list(await asyncio.gather(*(one(c) for c in calls)))
            else:
                for call in calls:
                    report["results"].append(await one(call))
        finally:
            await engine.dispose()

    try:
        asyncio.run(main())
    finally:
        if orm:
            event.remove(Session, "do_orm_execute", on_orm)
    return report
'''
