# exercise: transactions.stress
# right: a ThreadPoolExecutor running one chunk of transfers per task, each chunk with its own connection
from concurrent.futures import ThreadPoolExecutor


def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread."""
    conn = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    mode = conn.execute("PRAGMA journal_mode=wal").fetchone()[0]
    if mode != "wal":
        raise RuntimeError(f"could not switch {path} to WAL (got {mode})")
    return conn


def run_chunk(path: str, chunk: list[tuple[str, str, int]]) -> list[bool]:
    conn = connect(path)
    try:
        made = []
        for src, dst, amount in chunk:
            conn.execute("BEGIN IMMEDIATE")
            try:
                (balance,) = conn.execute(
                    "SELECT balance_cents FROM accounts WHERE id = ?", (src,)
                ).fetchone()
                if balance >= amount:
                    conn.execute(
                        "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?",
                        (amount, src),
                    )
                    conn.execute(
                        "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?",
                        (amount, dst),
                    )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            made.append(balance >= amount)
        return made
    finally:
        conn.close()  # in the thread that opened it


def transfer_many(
    path: str, transfers: Sequence[tuple[str, str, int]], threads: int
) -> list[bool]:
    """Make the transfers on `threads` threads, each chunk with its own connection."""
    size = -(-len(transfers) // threads)  # ceiling division: `threads` chunks at most
    chunks = [list(transfers[start : start + size]) for start in range(0, len(transfers), size)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [flag for chunk in pool.map(run_chunk, [path] * len(chunks), chunks) for flag in chunk]
