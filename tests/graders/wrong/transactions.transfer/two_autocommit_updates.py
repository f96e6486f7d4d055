# exercise: transactions.transfer
# wrong: two conditional UPDATEs in autocommit mode: no lost update, but no atomicity
# caught-by: test_failed_credit_leaves_both_balances
# hint: atomic
def transfer(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> None:
    """Move amount_cents from account src to account dst, all or nothing."""
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise TypeError(f"amount_cents must be an int, got {amount_cents!r}")
    if amount_cents <= 0:
        raise ValueError(f"the amount must be a positive number of cents, got {amount_cents}")
    if src == dst:
        raise ValueError(f"cannot transfer from account {src!r} to itself")
    known = {row[0] for row in conn.execute("SELECT id FROM accounts WHERE id IN (?, ?)", (src, dst))}
    for account in (src, dst):
        if account not in known:
            raise UnknownAccount(f"account {account!r}")
    debit = conn.execute(
        "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ? AND balance_cents >= ?",
        (amount_cents, src, amount_cents),
    )
    if debit.rowcount != 1:
        raise InsufficientFunds(f"account {src!r}")
    conn.execute(
        "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?", (amount_cents, dst)
    )
