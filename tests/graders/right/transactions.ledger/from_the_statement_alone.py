# exercise: transactions.ledger
# right: an examiner's answer, written from the statement alone
# CHECK (typeof(...)) columns instead of STRICT; a unique index on (transfer_id,
# amount_cents > 0)
LEDGER_SCHEMA = """
CREATE TABLE ledger (
    transfer_id  TEXT    NOT NULL CHECK (typeof(transfer_id) = 'text'),
    account_id   TEXT    NOT NULL CHECK (typeof(account_id) = 'text'),
    amount_cents INTEGER NOT NULL CHECK (typeof(amount_cents) = 'integer' AND amount_cents <> 0),
    created_at   TEXT    NOT NULL CHECK (typeof(created_at) = 'text')
);
-- one debit and one credit per transfer id, whichever accounts a reused id names
CREATE UNIQUE INDEX ledger_one_debit_one_credit ON ledger (transfer_id, amount_cents > 0);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be changed');
END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only: entries cannot be deleted');
END;
"""


def create_ledger(conn: sqlite3.Connection) -> None:
    """Create the append-only `ledger` table and its triggers."""
    # executescript would COMMIT a transaction the caller has open; run the statements
    # one by one inside a transaction of our own instead, so the schema is all or nothing.
    statements: list[str] = []
    pending = ""
    for line in LEDGER_SCHEMA.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    owns_transaction = not conn.in_transaction
    if owns_transaction:
        conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in statements:
            conn.execute(statement)
        if owns_transaction:
            conn.execute("COMMIT")
    except BaseException:
        if owns_transaction and conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


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
    if type(amount_cents) is not int:
        raise ValueError(f"amount_cents must be an int, not {type(amount_cents).__name__}")
    if amount_cents <= 0:
        raise ValueError(f"amount_cents must be positive, got {amount_cents}")
    if src == dst:
        raise ValueError(f"source and destination are the same account: {src!r}")
    if not isinstance(transfer_id, str) or not transfer_id:
        raise ValueError("transfer_id must be a non-empty string")

    conn.execute("BEGIN IMMEDIATE")
    try:
        when = now()
        if when.tzinfo is None or when.utcoffset() is None:
            raise ValueError("now() must return an aware datetime, not a naive one")
        created_at = when.astimezone(UTC).isoformat()

        balance_of: dict[str, int] = {}
        for account_id, balance in conn.execute(
            "SELECT id, balance_cents FROM accounts WHERE id IN (?, ?)", (src, dst)
        ):
            balance_of[account_id] = balance
        for account_id in (src, dst):
            if account_id not in balance_of:
                raise UnknownAccount(f"no account {account_id!r}")
        if balance_of[src] < amount_cents:
            raise InsufficientFunds(f"account {src!r} has insufficient funds")

        conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?",
            (amount_cents, src),
        )
        conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?",
            (amount_cents, dst),
        )
        conn.executemany(
            "INSERT INTO ledger (transfer_id, account_id, amount_cents, created_at)"
            " VALUES (?, ?, ?, ?)",
            [
                (transfer_id, src, -amount_cents, created_at),
                (transfer_id, dst, amount_cents, created_at),
            ],
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
