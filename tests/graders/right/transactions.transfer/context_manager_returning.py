# exercise: transactions.transfer
# right: a small contextmanager for BEGIN IMMEDIATE, and UPDATE ... RETURNING instead of a SELECT
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def transfer(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> None:
    """Move amount_cents from account src to account dst, all or nothing."""
    if type(amount_cents) is not int:
        raise TypeError("amount_cents must be an int")
    if amount_cents < 1:
        raise ValueError("amount_cents must be at least 1")
    if src == dst:
        raise ValueError("source and destination are the same account")
    with immediate(conn):
        credited = conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ? RETURNING id",
            (amount_cents, dst),
        ).fetchall()
        if not credited:
            raise UnknownAccount(dst)
        debited = conn.execute(
            "UPDATE accounts SET balance_cents = balance_cents - ?"
            " WHERE id = ? AND balance_cents >= ? RETURNING id",
            (amount_cents, src, amount_cents),
        ).fetchall()
        if not debited:
            exists = conn.execute("SELECT 1 FROM accounts WHERE id = ?", (src,)).fetchone()
            raise InsufficientFunds(src) if exists else UnknownAccount(src)
