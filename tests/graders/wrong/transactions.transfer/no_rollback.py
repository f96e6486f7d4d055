# exercise: transactions.transfer
# wrong: BEGIN IMMEDIATE and COMMIT, but no ROLLBACK: a failure leaves the transaction open
# caught-by: test_no_transaction_is_left_open
# hint: rollback
def transfer(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> None:
    """Move amount_cents from account src to account dst, all or nothing."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError(f"amount_cents must be an int, got {amount_cents!r}")
    if amount_cents <= 0:
        raise ValueError(f"the amount must be a positive number of cents, got {amount_cents}")
    if src == dst:
        raise ValueError(f"cannot transfer from account {src!r} to itself")
    conn.execute("BEGIN IMMEDIATE")
    balances = dict(
        conn.execute("SELECT id, balance_cents FROM accounts WHERE id IN (?, ?)", (src, dst))
    )
    for account in (src, dst):
        if account not in balances:
            raise UnknownAccount(f"account {account!r}")
    if balances[src] < amount_cents:
        raise InsufficientFunds(f"account {src!r}")
    conn.execute(
        "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?", (amount_cents, src)
    )
    conn.execute(
        "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?", (amount_cents, dst)
    )
    conn.execute("COMMIT")
