# exercise: resilience.idempotency_store
# wrong: one key namespace for everybody: another user's request with the same key gets the first user's receipt
# caught-by: test_store_scopes_keys_by_user
# hint: scope_by_user
def fingerprint(payload: dict[str, object]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def envelope(kind: str, message: str, *, retryable: bool) -> dict[str, object]:
    return {"error": {"type": kind, "message": message, "retryable": retryable}}


def handle_charge(
    db: Path,
    user_id: str,
    key: str,
    payload: dict[str, object],
    gateway: Callable[[dict[str, object]], dict[str, object]],
) -> tuple[int, dict[str, object]]:
    sha = fingerprint(payload)
    with closing(open_store(db)) as store:
        store.execute("DELETE FROM idempotency WHERE created_at < ?", (time.time() - 86400,))
        claimed = store.execute(
            "INSERT INTO idempotency (user_id, key, request_sha, status, created_at)"
            " VALUES (?, ?, ?, 'in_progress', ?) ON CONFLICT (user_id, key) DO NOTHING",
            ("*", key, sha, time.time()),
        ).rowcount == 1
        if not claimed:
            request_sha, status, http_status, body = store.execute(
                "SELECT request_sha, status, http_status, body FROM idempotency WHERE user_id = ? AND key = ?",
                ("*", key),
            ).fetchone()
            if request_sha != sha:
                return 422, envelope("idempotency_key_reused", "Key reused.", retryable=False)
            if status == "in_progress":
                return 409, envelope("request_in_progress", "Still running.", retryable=True)
            return http_status, json.loads(body)
        try:
            result = gateway(payload)
        except Exception:
            store.execute("DELETE FROM idempotency WHERE user_id = ? AND key = ?", ("*", key))
            return 502, envelope("gateway_error", "The gateway failed.", retryable=True)
        store.execute(
            "UPDATE idempotency SET status = 'done', http_status = 200, body = ? WHERE user_id = ? AND key = ?",
            (json.dumps(result), "*", key),
        )
        return 200, result
