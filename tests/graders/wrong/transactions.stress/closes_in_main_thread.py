# exercise: transactions.stress
# wrong: one connection per thread, but all closed at the end by the main thread, which sqlite3 forbids
# caught-by: test_stress_keeps_every_balance
# hint: own_connection
from concurrent.futures import ThreadPoolExecutor


def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread."""
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    mode = conn.execute("PRAGMA journal_mode=wal").fetchone()[0]
    if mode != "wal":
        raise RuntimeError(f"could not switch {path} to WAL (got {mode})")
    return conn


def transfer_many(
    path: str, transfers: Sequence[tuple[str, str, int]], threads: int
) -> list[bool]:
    """Make the transfers on `threads` threads, each with its own connection."""
    local = threading.local()
    opened: list[sqlite3.Connection] = []
    lock = threading.Lock()

    def own_connection() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = connect(path)
            with lock:
                opened.append(local.conn)
        conn: sqlite3.Connection = local.conn
        return conn

    def one(transfer: tuple[str, str, int]) -> bool:
        src, dst, amount = transfer
        conn = own_connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            (balance,) = conn.execute(
                "SELECT balance_cents FROM accounts WHERE id = ?", (src,)
            ).fetchone()
            if balance < amount:
                conn.execute("ROLLBACK")
                return False
            conn.execute(
                "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?", (amount, src)
            )
            conn.execute(
                "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?", (amount, dst)
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return True

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(one, transfers))
    finally:
        for conn in opened:
            conn.close()
