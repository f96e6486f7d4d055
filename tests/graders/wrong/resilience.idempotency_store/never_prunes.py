# exercise: resilience.idempotency_store
# wrong: never forgets a key: a request a week later with an old key gets a stale answer or a 422
# caught-by: test_store_forgets_keys_after_a_day
# hint: prune_old_keys
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
        store.execute("DELETE FROM idempotency WHERE created_at < ?", (time.time() - 10**10,))
        claimed = store.execute(
            "INSERT INTO idempotency (user_id, key, request_sha, status, created_at)"
            " VALUES (?, ?, ?, 'in_progress', ?) ON CONFLICT (user_id, key) DO NOTHING",
            (user_id, key, sha, time.time()),
        ).rowcount == 1
        if not claimed:
            request_sha, status, http_status, body = store.execute(
                "SELECT request_sha, status, http_status, body FROM idempotency WHERE user_id = ? AND key = ?",
                (user_id, key),
            ).fetchone()
            if request_sha != sha:
                return 422, envelope("idempotency_key_reused", "Key reused.", retryable=False)
            if status == "in_progress":
                return 409, envelope("request_in_progress", "Still running.", retryable=True)
            return http_status, json.loads(body)
        try:
            result = gateway(payload)
        except Exception:
            store.execute("DELETE FROM idempotency WHERE user_id = ? AND key = ?", (user_id, key))
            return 502, envelope("gateway_error", "The gateway failed.", retryable=True)
        store.execute(
            "UPDATE idempotency SET status = 'done', http_status = 200, body = ? WHERE user_id = ? AND key = ?",
            (json.dumps(result), user_id, key),
        )
        return 200, result
