# exercise: resilience.idempotency_store
# wrong: treats the row as a lock and deletes it after the charge, so a repeat charges again
# caught-by: test_store_replays_the_stored_answer
# hint: replay_stored
DAY_SECONDS = 24 * 3600


def fingerprint(payload: dict[str, object]) -> str:
    """The same hash for the same payload, whatever the order of its keys."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def envelope(kind: str, message: str, *, retryable: bool) -> dict[str, object]:
    return {"error": {"type": kind, "message": message, "retryable": retryable}}


def handle_charge(
    db: Path,
    user_id: str,
    key: str,
    payload: dict[str, object],
    gateway: Callable[[dict[str, object]], dict[str, object]],
) -> tuple[int, dict[str, object]]:
    """Charge once per (user_id, key); replay, refuse or release as the statement says."""
    sha = fingerprint(payload)
    with closing(open_store(db)) as store:
        store.execute("DELETE FROM idempotency WHERE created_at < ?", (time.time() - DAY_SECONDS,))
        claimed = store.execute(
            "INSERT INTO idempotency (user_id, key, request_sha, status, created_at)"
            " VALUES (?, ?, ?, 'in_progress', ?) ON CONFLICT (user_id, key) DO NOTHING",
            (user_id, key, sha, time.time()),
        ).rowcount == 1
        if not claimed:
            request_sha, status, http_status, body = store.execute(
                "SELECT request_sha, status, http_status, body FROM idempotency"
                " WHERE user_id = ? AND key = ?",
                (user_id, key),
            ).fetchone()
            if request_sha != sha:
                return 422, envelope(
                    "idempotency_key_reused", "This key was used with another request.", retryable=False
                )
            if status == "in_progress":
                return 409, envelope(
                    "request_in_progress", "A request with this key is still running.", retryable=True
                )
            return http_status, json.loads(body)
        try:
            result = gateway(payload)
        except Exception:
            store.execute("DELETE FROM idempotency WHERE user_id = ? AND key = ?", (user_id, key))
            return 502, envelope("gateway_error", "The payment gateway failed; retry later.", retryable=True)
        # the claim was only a lock: release it now that the charge is done
        store.execute("DELETE FROM idempotency WHERE user_id = ? AND key = ?", (user_id, key))
        return 200, result
