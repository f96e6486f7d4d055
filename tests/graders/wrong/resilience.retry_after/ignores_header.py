# exercise: resilience.retry_after
# wrong: always returns the fallback's exponential wait; the server's Retry-After is never read
# caught-by: test_retry_after_seconds_are_honoured
# hint: honour_retry_after
def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    return fallback
