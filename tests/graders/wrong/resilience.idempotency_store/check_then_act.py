# exercise: resilience.idempotency_store
# wrong: the seed's design: look the key up, call the gateway, then store the answer; two copies at once both charge
# caught-by: test_store_charges_once_for_two_concurrent_requests
# hint: atomic_claim
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
        row = store.execute(
            "SELECT request_sha, http_status, body FROM idempotency WHERE user_id = ? AND key = ?",
            (user_id, key),
        ).fetchone()
        if row is not None:
            if row[0] != sha:
                return 422, envelope("idempotency_key_reused", "Key reused.", retryable=False)
            return row[1], json.loads(row[2])
        try:
            result = gateway(payload)
        except Exception:
            return 502, envelope("gateway_error", "The gateway failed.", retryable=True)
        store.execute(
            "INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, 'done', 200, ?, ?)",
            (user_id, key, sha, json.dumps(result), time.time()),
        )
        return 200, result
