# exercise: transactions.transfer
# right: an examiner's answer, written from the statement alone
# src == dst checked first; both rows read with one SELECT ... IN inside BEGIN IMMEDIATE
def transfer(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> None:
    """Move amount_cents from account src to account dst, all or nothing.

    `conn` is in autocommit mode (isolation_level=None): you begin and end the transaction.
    """
    if src == dst:
        raise ValueError(f"source and destination are the same account: {src!r}")
    if type(amount_cents) is not int:  # bool, float and Decimal are all refused
        raise TypeError(f"amount_cents must be an int, not {type(amount_cents).__name__}")
    if amount_cents <= 0:
        raise ValueError(f"amount_cents must be positive, got {amount_cents}")

    conn.execute("BEGIN IMMEDIATE")  # the write lock first, so no rival changes what we read
    try:
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
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back by itself
            conn.execute("ROLLBACK")
        raise
