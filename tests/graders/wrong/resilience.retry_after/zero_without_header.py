# exercise: resilience.retry_after
# wrong: returns 0 when there is no usable header, so the fallback backoff is never used
# caught-by: test_unusable_retry_after_falls_back
# hint: fallback_wait
def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    def wait(retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, httpx.HTTPStatusError) and error.response.status_code in (429, 503):
            value = error.response.headers.get("Retry-After", "")
            return min(float(value), cap) if value.isdigit() else 0.0
        return fallback(retry_state)

    return wait
