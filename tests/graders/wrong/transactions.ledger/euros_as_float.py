# exercise: transactions.ledger
# wrong: stores the entries in euros (amount_cents / 100), in a table that is not STRICT
# caught-by: test_ledger_amounts_are_integers
# hint: integer_amounts
def create_ledger(conn: sqlite3.Connection) -> None:
    """Create the append-only `ledger` table and its triggers."""
    conn.executescript(
        """
        CREATE TABLE ledger (
            entry_id     INTEGER PRIMARY KEY,
            transfer_id  TEXT    NOT NULL,
            account_id   TEXT    NOT NULL REFERENCES accounts (id),
            amount_cents INTEGER NOT NULL,
            created_at   TEXT    NOT NULL,
            UNIQUE (transfer_id, account_id)
        );
        CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
        CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
        BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
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
        raise ValueError(f"the amount must be a positive int of cents, got {amount_cents!r}")
    if src == dst:
        raise ValueError(f"cannot transfer from account {src!r} to itself")
    created_at = now().astimezone(UTC).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    try:
        debit = conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents - ?"
            " WHERE id = ? AND balance_cents >= ?",
            (amount_cents, src, amount_cents),
        )
        if debit.rowcount != 1:
            raise InsufficientFunds(f"account {src!r}")
        credit = conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?",
            (amount_cents, dst),
        )
        if credit.rowcount != 1:
            raise UnknownAccount(f"account {dst!r}")
        conn.executemany(
            "INSERT INTO ledger (transfer_id, account_id, amount_cents, created_at)"
            " VALUES (?, ?, ?, ?)",
            [
                (transfer_id, src, -amount_cents / 100, created_at),
                (transfer_id, dst, amount_cents / 100, created_at),
            ],
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
