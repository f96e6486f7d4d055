# exercise: transactions.stress
# wrong: a plain BEGIN, then read, then write: in WAL mode concurrent writers fail with "database is locked"
# caught-by: test_stress_keeps_every_balance
# hint: stress_invariant
def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode = WAL")
    return conn


def transfer_many(
    path: str, transfers: Sequence[tuple[str, str, int]], threads: int
) -> list[bool]:
    """Make the transfers on `threads` threads, each with its own connection from connect()."""
    results: list[bool] = [False] * len(transfers)
    errors: list[BaseException] = []

    def work(indices: range) -> None:
        conn = connect(path)
        try:
            for index in indices:
                src, dst, amount = transfers[index]
                conn.execute("BEGIN")
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
                        results[index] = True
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
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
    return results
