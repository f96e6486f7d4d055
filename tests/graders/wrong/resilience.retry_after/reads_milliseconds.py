# exercise: resilience.retry_after
# wrong: takes Retry-After for milliseconds, so "2" waits 0.002 s and the server is hit again at once
# caught-by: test_retry_after_seconds_are_honoured
# hint: honour_retry_after
def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    def wait(retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, httpx.HTTPStatusError) and error.response.status_code in (429, 503):
            value = error.response.headers.get("Retry-After", "")
            if value.isdigit():
                return min(int(value) / 1000, cap)
        return fallback(retry_state)

    return wait
