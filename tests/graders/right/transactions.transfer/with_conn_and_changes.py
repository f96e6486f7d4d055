# exercise: transactions.transfer
# right: `with conn:` commits or rolls back the BEGIN IMMEDIATE; checks use changes() and a COUNT
def transfer(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> None:
    """Move amount_cents from account src to account dst, all or nothing."""
    match amount_cents:
        case bool() | float():
            raise TypeError(f"not an int: {amount_cents!r}")
        case int() if amount_cents > 0:
            pass
        case int():
            raise ValueError(f"not positive: {amount_cents}")
        case _:
            raise TypeError(f"not an int: {amount_cents!r}")
    if src == dst:
        raise ValueError("a transfer needs two different accounts")
    conn.execute("BEGIN IMMEDIATE")
    with conn:  # leaving the block commits, or rolls back on an exception
        (count,) = conn.execute(
            "SELECT COUNT(*) FROM accounts WHERE id IN (?, ?)", (src, dst)
        ).fetchone()
        if count != 2:
            raise UnknownAccount(f"{src!r} or {dst!r}")
        conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents - :amount"
            " WHERE id = :src AND balance_cents >= :amount",
            {"amount": amount_cents, "src": src},
        )
        if conn.execute("SELECT changes()").fetchone()[0] != 1:
            raise InsufficientFunds(src)
        conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents + :amount WHERE id = :dst",
            {"amount": amount_cents, "dst": dst},
        )
