# exercise: transactions.stress
# wrong: timeout=0, so a worker that finds the write lock taken fails at once instead of waiting
# caught-by: test_connect_waits_for_the_lock
# hint: busy_timeout
def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def transfer_many(
    path: str, transfers: Sequence[tuple[str, str, int]], threads: int
) -> list[bool]:
    """Make the transfers on `threads` threads, each with its own connection from connect()."""
    results: list[bool | None] = [None] * len(transfers)
    errors: list[BaseException] = []

    def work(indices: range) -> None:
        conn = connect(path)
        try:
            for index in indices:
                src, dst, amount = transfers[index]
                conn.execute("BEGIN IMMEDIATE")
                try:
                    debit = conn.execute(
                        "UPDATE accounts SET balance_cents = balance_cents - ?"
                        " WHERE id = ? AND balance_cents >= ?",
                        (amount, src, amount),
                    )
                    made = debit.rowcount == 1
                    if made:
                        conn.execute(
                            "UPDATE accounts SET balance_cents = balance_cents + ? WHERE id = ?",
                            (amount, dst),
                        )
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
                results[index] = made
        except BaseException as error:
            errors.append(error)
        finally:
            conn.close()

    workers = [
        threading.Thread(target=work, args=(range(start, len(transfers), threads),))
        for start in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return [bool(made) for made in results]
