# exercise: transactions.transfer
# wrong: a plain (deferred) BEGIN: in WAL mode the write fails with "database is locked" after a rival commits
# caught-by: test_rival_writer_waits_for_the_transfer
# hint: lock_before_read
def transfer(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> None:
    """Move amount_cents from account src to account dst, all or nothing."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError(f"amount_cents must be an int, got {amount_cents!r}")
    if amount_cents <= 0:
        raise ValueError(f"the amount must be a positive number of cents, got {amount_cents}")
    if src == dst:
        raise ValueError(f"cannot transfer from account {src!r} to itself")
    conn.execute("BEGIN")
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
            "UPDATE accounts SET balance_cents = ? WHERE id = ?", (balances[src] - amount_cents, src)
        )
        conn.execute(
            "UPDATE accounts SET balance_cents = ? WHERE id = ?", (balances[dst] + amount_cents, dst)
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
