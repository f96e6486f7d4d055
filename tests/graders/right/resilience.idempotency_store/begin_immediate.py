# exercise: resilience.idempotency_store
# right: an explicit BEGIN IMMEDIATE transaction makes look-up and claim one step; the gateway runs outside it
def handle_charge(
    db: Path,
    user_id: str,
    key: str,
    payload: dict[str, object],
    gateway: Callable[[dict[str, object]], dict[str, object]],
) -> tuple[int, dict[str, object]]:
    digest = hashlib.sha256(repr(sorted(payload.items())).encode()).hexdigest()
    connection = open_store(db)
    try:
        connection.execute("BEGIN IMMEDIATE")  # takes SQLite's write lock before the look-up
        connection.execute("DELETE FROM idempotency WHERE created_at <= ?", (time.time() - 86400,))
        row = connection.execute(
            "SELECT request_sha, status, http_status, body FROM idempotency WHERE user_id = ? AND key = ?",
            (user_id, key),
        ).fetchone()
        if row is None:
            connection.execute(
                "INSERT INTO idempotency (user_id, key, request_sha, status, created_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, key, digest, "in_progress", time.time()),
            )
        connection.execute("COMMIT")
        if row is not None:
            request_sha, status, http_status, body = row
            if request_sha != digest:
                error = {"type": "idempotency_key_reused", "message": "That key belongs to another request.", "retryable": False}
                return 422, {"error": error}
            if status != "done":
                error = {"type": "request_in_progress", "message": "The first request is still running.", "retryable": True}
                return 409, {"error": error}
            return int(http_status), json.loads(body)
        try:
            charged = gateway(payload)
        except Exception:
            connection.execute("DELETE FROM idempotency WHERE user_id = ? AND key = ?", (user_id, key))
            error = {"type": "gateway_error", "message": "The charge failed; try again.", "retryable": True}
            return 502, {"error": error}
        connection.execute(
            "UPDATE idempotency SET status = 'done', http_status = 200, body = ? WHERE user_id = ? AND key = ?",
            (json.dumps(charged), user_id, key),
        )
        return 200, charged
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()
