# exercise: resilience.idempotency_store
# right: a plain INSERT as the claim, with the UNIQUE violation as the "someone was first" signal
IN_PROGRESS = 409, {"error": {"type": "request_in_progress", "message": "Still running; retry soon.", "retryable": True}}
REUSED = 422, {"error": {"type": "idempotency_key_reused", "message": "Use a new key for a new payment.", "retryable": False}}
FAILED = 502, {"error": {"type": "gateway_error", "message": "The gateway failed; retry with the same key.", "retryable": True}}


def handle_charge(
    db: Path,
    user_id: str,
    key: str,
    payload: dict[str, object],
    gateway: Callable[[dict[str, object]], dict[str, object]],
) -> tuple[int, dict[str, object]]:
    digest = hashlib.blake2b(json.dumps(payload, sort_keys=True).encode(), digest_size=16).hexdigest()
    where = {"user_id": user_id, "key": key}
    with closing(open_store(db)) as store:
        store.execute("DELETE FROM idempotency WHERE created_at < :cutoff", {"cutoff": time.time() - 24 * 60 * 60})
        try:
            store.execute(
                "INSERT INTO idempotency (user_id, key, request_sha, status, created_at)"
                " VALUES (:user_id, :key, :sha, 'in_progress', :now)",
                {**where, "sha": digest, "now": time.time()},
            )
        except sqlite3.IntegrityError:
            seen = store.execute(
                "SELECT request_sha, status, http_status, body FROM idempotency WHERE user_id = :user_id AND key = :key",
                where,
            ).fetchone()
            if seen[0] != digest:
                return REUSED
            return IN_PROGRESS if seen[1] == "in_progress" else (seen[2], json.loads(seen[3]))
        try:
            result = gateway(payload)
        except Exception:
            store.execute("DELETE FROM idempotency WHERE user_id = :user_id AND key = :key", where)
            return FAILED
        store.execute(
            "UPDATE idempotency SET status = 'done', http_status = 200, body = :body WHERE user_id = :user_id AND key = :key",
            {**where, "body": json.dumps(result)},
        )
        return 200, result
