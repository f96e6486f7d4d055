# exercise: transactions.stress
# right: an examiner's answer, written from the statement alone
# threading.Thread workers on a SimpleQueue; a stop event after the first error, raised
# again after join
import queue


def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread: autocommit mode, WAL, and a busy timeout of 5 s or more."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10.0)
    try:
        (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch {path!r} to WAL (got {mode!r})")
    except BaseException:
        conn.close()
        raise
    return conn


def transfer_many(
    path: str, transfers: Sequence[tuple[str, str, int]], threads: int
) -> list[bool]:
    """Make the transfers on `threads` threads, each with its own connection from connect().

    Returns one bool per transfer, in order: True if it was made, False if the source
    lacked the funds. Any other error is raised after every thread has stopped.
    """
    if type(threads) is not int or threads < 1:
        raise ValueError(f"threads must be a positive int, got {threads!r}")

    def move(conn: sqlite3.Connection, src: str, dst: str, amount_cents: int) -> bool:
        """One atomic transfer; False (and nothing changed) when src lacks the funds."""
        if src == dst:
            raise ValueError(f"source and destination are the same account: {src!r}")
        if type(amount_cents) is not int:
            raise TypeError(f"amount_cents must be an int, not {type(amount_cents).__name__}")
        if amount_cents <= 0:
            raise ValueError(f"amount_cents must be positive, got {amount_cents}")
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = conn.execute(
                "SELECT id, balance_cents FROM accounts WHERE id IN (?, ?)", (src, dst)
            ).fetchall()
            balance_of = {account_id: balance for account_id, balance in rows}
            for account_id in (src, dst):
                if account_id not in balance_of:
                    raise UnknownAccount(f"no account {account_id!r}")
            if balance_of[src] < amount_cents:
                conn.execute("ROLLBACK")
                return False
            conn.execute(
                "UPDATE accounts SET balance_cents = balance_cents - ? WHERE id = ?",
                (amount_cents, src),
            )
            conn.execute(
                "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?",
                (amount_cents, dst),
            )
            conn.execute("COMMIT")
            return True
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    work: queue.SimpleQueue[tuple[int, tuple[str, str, int]]] = queue.SimpleQueue()
    for index, job in enumerate(transfers):
        work.put((index, job))
    outcome: list[bool | None] = [None] * len(transfers)
    failures: list[BaseException] = []
    failure_lock = threading.Lock()
    stop = threading.Event()

    def worker() -> None:
        try:
            conn = connect(path)
            try:
                while not stop.is_set():
                    try:
                        index, (src, dst, amount_cents) = work.get_nowait()
                    except queue.Empty:
                        return
                    outcome[index] = move(conn, src, dst, amount_cents)
            finally:
                conn.close()
        except BaseException as error:
            with failure_lock:
                failures.append(error)
            stop.set()  # the others finish their current transfer and stop

    pool = [
        threading.Thread(target=worker, name=f"transfer-worker-{n}")
        for n in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise failures[0]
    results: list[bool] = []
    for made in outcome:
        assert made is not None, "every transfer runs unless a worker failed"
        results.append(made)
    return results
