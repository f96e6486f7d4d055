# exercise: transactions.stress
# wrong: keeps the rollback journal, where every reader blocks the writer's commit
# caught-by: test_connect_uses_wal
# hint: wal_mode
def connect(path: str) -> sqlite3.Connection:
    """A connection for one worker thread."""
    return sqlite3.connect(path, isolation_level=None, timeout=10)


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
