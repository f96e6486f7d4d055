# exercise: transactions.stress
# wrong: opens one connection and hands it to every thread
# caught-by: test_stress_keeps_every_balance
# hint: own_connection
from concurrent.futures import ThreadPoolExecutor


def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def transfer_many(
    path: str, transfers: Sequence[tuple[str, str, int]], threads: int
) -> list[bool]:
    """Make the transfers on `threads` threads."""
    conn = connect(path)

    def one(transfer: tuple[str, str, int]) -> bool:
        src, dst, amount = transfer
        conn.execute("BEGIN IMMEDIATE")
        try:
            debit = conn.execute(
                "UPDATE accounts SET balance_cents = balance_cents - ?"
                " WHERE id = ? AND balance_cents >= ?",
                (amount, src, amount),
            )
            if debit.rowcount == 1:
                conn.execute(
                    "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?",
                    (amount, dst),
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return debit.rowcount == 1

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, transfers))
