# exercise: resilience.retry_after
# right: an examiner's answer, written from the statement alone
# two closures; ASCII digits through isascii() and isdigit(); never raises
def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    """A tenacity wait: the server's Retry-After (capped) on 429 and 503, else `fallback`."""

    def server_asked(retry_state: RetryCallState) -> float | None:
        outcome = retry_state.outcome
        if outcome is None or not outcome.failed:
            return None
        error = outcome.exception()
        if not isinstance(error, httpx.HTTPStatusError):
            return None
        if error.response.status_code not in (429, 503):
            return None
        value = error.response.headers.get("Retry-After", "").strip()
        if not (value.isascii() and value.isdigit()):
            return None
        return float(value)

    def wait(retry_state: RetryCallState) -> float:
        try:
            asked = server_asked(retry_state)
        except Exception:  # a malformed response must not break the retry loop
            asked = None
        if asked is None:
            return fallback(retry_state)
        return min(asked, cap)

    return wait
