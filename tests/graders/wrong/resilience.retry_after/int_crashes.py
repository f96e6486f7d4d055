# exercise: resilience.retry_after
# wrong: int() on whatever the header holds, so "soon" or an HTTP date raises ValueError inside tenacity
# caught-by: test_unusable_retry_after_falls_back
# hint: fallback_wait
def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    def wait(retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, httpx.HTTPStatusError) and error.response.status_code in (429, 503):
            value = error.response.headers.get("Retry-After")
            if value is not None:
                return min(float(int(value)), cap)
        return fallback(retry_state)

    return wait
