# exercise: resilience.retry_after
# right: a tenacity wait_base subclass, with a regular expression for the header's grammar
from tenacity.wait import wait_base

DELAY_SECONDS = re.compile(r"[0-9]+")


class WaitRetryAfter(wait_base):
    """Retry-After (capped) on 429 and 503; the fallback otherwise."""

    def __init__(self, fallback: Callable[[RetryCallState], float], cap: float) -> None:
        self.fallback = fallback
        self.cap = cap

    def __call__(self, retry_state: RetryCallState) -> float:
        if retry_state.outcome is not None and retry_state.outcome.failed:
            error = retry_state.outcome.exception()
            if isinstance(error, httpx.HTTPStatusError) and error.response.status_code in {429, 503}:
                header = error.response.headers.get("retry-after")
                if header is not None and DELAY_SECONDS.fullmatch(header.strip()):
                    return min(int(header), self.cap)
        return self.fallback(retry_state)


def wait_retry_after(
    fallback: Callable[[RetryCallState], float], cap: float = 30.0
) -> Callable[[RetryCallState], float]:
    return WaitRetryAfter(fallback, cap)
