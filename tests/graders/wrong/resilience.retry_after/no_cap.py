# exercise: resilience.retry_after
# wrong: trusts the header without a cap, so Retry-After: 120 parks the worker for two minutes
# caught-by: test_retry_after_is_capped
# hint: cap_retry_after
def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    def wait(retry_state: RetryCallState) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, httpx.HTTPStatusError) and error.response.status_code in (429, 503):
            value = error.response.headers.get("Retry-After", "")
            if value.isdigit():
                return float(value)
        return fallback(retry_state)

    return wait
