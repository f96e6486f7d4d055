# exercise: resilience.retry_after
# wrong: reads Retry-After from every error status, 500 included, not only 429 and 503
# caught-by: test_retry_after_only_for_429_and_503
# hint: retry_after_statuses
def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    def wait(retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, httpx.HTTPStatusError):
            value = error.response.headers.get("Retry-After", "")
            if value.isdigit():
                return min(float(value), cap)
        return fallback(retry_state)

    return wait
