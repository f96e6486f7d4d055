# exercise: resilience.retry_after
# right: EAFP: try int(), refuse negatives and fractions, fall back on anything unexpected
def _server_delay(error: BaseException | None) -> int | None:
    if not isinstance(error, httpx.HTTPStatusError) or error.response.status_code not in (429, 503):
        return None
    raw = error.response.headers.get("Retry-After")
    try:
        seconds = int(raw) if raw is not None and "." not in raw else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    def wait(retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        delay = _server_delay(outcome.exception() if outcome and outcome.failed else None)
        return fallback(retry_state) if delay is None else float(min(delay, cap))

    return wait
