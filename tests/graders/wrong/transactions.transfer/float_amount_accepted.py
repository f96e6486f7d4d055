# exercise: transactions.transfer
# wrong: checks only the sign of the amount, so 12.5 cents (a float) goes into the database
# caught-by: test_transfer_checks_arguments_before_sql
# hint: check_arguments
def transfer(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> None:
    """Move amount_cents from account src to account dst, all or nothing."""
    if amount_cents <= 0:
        raise ValueError(f"the amount must be a positive number of cents, got {amount_cents}")
    if src == dst:
        raise ValueError(f"cannot transfer from account {src!r} to itself")
    conn.execute("BEGIN IMMEDIATE")
    try:
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
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
