# exercise: transactions.stress
# right: worker threads pull indices from a queue.Queue; each closes its connection with contextlib.closing
import contextlib
import queue


def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 15000")
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def transfer_many(
    path: str, transfers: Sequence[tuple[str, str, int]], threads: int
) -> list[bool]:
    """Make the transfers on `threads` threads, each with its own connection."""
    todo: queue.Queue[int] = queue.Queue()
    for index in range(len(transfers)):
        todo.put(index)
    made: dict[int, bool] = {}
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            with contextlib.closing(connect(path)) as conn:
                while True:
                    try:
                        index = todo.get_nowait()
                    except queue.Empty:
                        return
                    src, dst, amount = transfers[index]
                    conn.execute("BEGIN IMMEDIATE")
                    with conn:
                        changed = conn.execute(
                            "UPDATE accounts SET balance_cents = balance_cents - ?"
                            " WHERE id = ? AND balance_cents >= ?",
                            (amount, src, amount),
                        ).rowcount
                        if changed:
                            conn.execute(
                                "UPDATE accounts SET balance_cents = balance_cents + ?"
                                " WHERE id = ?",
                                (amount, dst),
                            )
                    made[index] = changed == 1
        except BaseException as error:
            failures.append(error)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if failures:
        raise failures[0]
    return [made[index] for index in range(len(transfers))]
