# exercise: resilience.idempotency_store
# right: an examiner's answer, written from the statement alone
# a BEGIN IMMEDIATE lock, the expired row deleted, a sha256 of sorted JSON as the
# fingerprint
DAY_SECONDS = 24 * 3600


def fingerprint(payload: dict[str, object]) -> str:
    """The same hash for the same payload, whatever the order of its keys."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
    request_sha = fingerprint(payload)
    with closing(open_store(db)) as store:
        # Take the write lock before looking: a concurrent twin waits here, then sees our row.
        store.execute("BEGIN IMMEDIATE")
        try:
            now = time.time()
            store.execute(
                "DELETE FROM idempotency WHERE user_id = ? AND key = ? AND created_at < ?",
                (user_id, key, now - DAY_SECONDS),
            )
            row = store.execute(
                "SELECT request_sha, status, http_status, body FROM idempotency"
                " WHERE user_id = ? AND key = ?",
                (user_id, key),
            ).fetchone()
            if row is None:
                store.execute(
                    "INSERT INTO idempotency (user_id, key, request_sha, status, created_at)"
                    " VALUES (?, ?, ?, 'in_progress', ?)",
                    (user_id, key, request_sha, now),
                )
            store.execute("COMMIT")
        except BaseException:
            store.execute("ROLLBACK")
            raise

        if row is not None:
            stored_sha, status, http_status, body = row
            if stored_sha != request_sha:
                return 422, envelope(
                    "idempotency_key_reused",
                    "This idempotency key was already used for a different request.",
                    retryable=False,
                )
            if status != "done":
                return 409, envelope(
                    "request_in_progress",
                    "A request with this idempotency key is still being processed.",
                    retryable=True,
                )
            return http_status, json.loads(body)

        try:
            result = gateway(payload)
        except Exception:
            store.execute(
                "DELETE FROM idempotency WHERE user_id = ? AND key = ? AND status = 'in_progress'",
                (user_id, key),
            )
            return 502, envelope(
                "gateway_error", "The payment gateway failed; please retry.", retryable=True
            )
        store.execute(
            "UPDATE idempotency SET status = 'done', http_status = ?, body = ?"
            " WHERE user_id = ? AND key = ?",
            (200, json.dumps(result), user_id, key),
        )
        return 200, result
