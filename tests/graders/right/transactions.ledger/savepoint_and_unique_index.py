# exercise: transactions.ledger
# right: AUTOINCREMENT ids, a unique index instead of a UNIQUE constraint, one multi-row INSERT, and a SAVEPOINT inside BEGIN IMMEDIATE
from datetime import timezone


def create_ledger(conn: sqlite3.Connection) -> None:
    """Create the append-only `ledger` table and its triggers."""
    conn.executescript(
        """
        CREATE TABLE IF NOT EXISTS ledger (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            transfer_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            amount_cents INTEGER NOT NULL,
            created_at TEXT NOT NULL
        ) STRICT;
        CREATE UNIQUE INDEX IF NOT EXISTS one_entry_per_account ON ledger (transfer_id, account_id);
        CREATE TRIGGER IF NOT EXISTS keep_entries BEFORE DELETE ON ledger
        BEGIN SELECT RAISE(ABORT, 'append-only'); END;
        CREATE TRIGGER IF NOT EXISTS keep_values BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'append-only'); END;
        """
    )


def transfer(
    conn: sqlite3.Connection,
    src: str,
    dst: str,
    amount_cents: int,
    *,
    transfer_id: str,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Move amount_cents from src to dst and write its two ledger entries, all or nothing."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError(f"bad amount {amount_cents!r}")
    if src == dst:
        raise ValueError("same account")
    created_at = now().astimezone(timezone.utc).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("SAVEPOINT transfer")
    try:
        balance = conn.execute("SELECT balance_cents FROM accounts WHERE id = ?", (src,)).fetchone()
        if balance is None or conn.execute("SELECT 1 FROM accounts WHERE id = ?", (dst,)).fetchone() is None:
            raise UnknownAccount(f"{src!r} or {dst!r}")
        if balance[0] < amount_cents:
            raise InsufficientFunds(src)
        conn.execute("UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?", (amount_cents, src))
        conn.execute("UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?", (amount_cents, dst))
        conn.execute(
            "INSERT INTO ledger (transfer_id, account_id, amount_cents, created_at)"
            " VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
            (transfer_id, src, -amount_cents, created_at, transfer_id, dst, amount_cents, created_at),
        )
    except BaseException:
        conn.execute("ROLLBACK")  # ends the whole transaction, savepoint included
        raise
    conn.execute("RELEASE transfer")
    conn.execute("COMMIT")
