# exercise: transactions.ledger
# right: CHECK (typeof(amount_cents) = 'integer') instead of STRICT, one trigger per statement, two plain INSERTs
def create_ledger(conn: sqlite3.Connection) -> None:
    """Create the append-only `ledger` table and its triggers."""
    conn.execute(
        "CREATE TABLE ledger ("
        " transfer_id TEXT NOT NULL,"
        " account_id TEXT NOT NULL,"
        " amount_cents INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer'),"
        " created_at TEXT NOT NULL,"
        " PRIMARY KEY (transfer_id, account_id))"
    )
    for action in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER ledger_refuses_{action.lower()} BEFORE {action} ON ledger"
            " BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed'); END"
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
    if type(amount_cents) is not int or amount_cents < 1:
        raise ValueError("amount_cents must be a positive int")
    if src == dst:
        raise ValueError("src and dst must differ")
    stamp = now().astimezone(UTC).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    with conn:
        row = conn.execute("SELECT balance_cents FROM accounts WHERE id = ?", (src,)).fetchone()
        if row is None:
            raise UnknownAccount(src)
        if row[0] < amount_cents:
            raise InsufficientFunds(src)
        for account, delta in ((src, -amount_cents), (dst, amount_cents)):
            changed = conn.execute(
                "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?",
                (delta, account),
            ).rowcount
            if changed != 1:
                raise UnknownAccount(account)
            conn.execute(
                "INSERT INTO ledger (transfer_id, account_id, amount_cents, created_at)"
                " VALUES (?, ?, ?, ?)",
                (transfer_id, account, delta, stamp),
            )
