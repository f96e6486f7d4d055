# exercise: resilience.charge
# wrong: no reraise=True, so the caller gets tenacity's RetryError instead of the real error
# caught-by: test_charge_raises_the_real_error
# hint: reraise
def is_retryable(error: BaseException) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in RETRYABLE_STATUS
    return isinstance(error, httpx.TransportError)


@retry(
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    retry=retry_if_exception(is_retryable),
    sleep=pause,
)
async def charge(client: httpx.AsyncClient, amount_cents: int, *, key: str) -> dict[str, object]:
    response = await client.post(
        "/v1/charges",
        json={"amount_cents": amount_cents},
        headers={"Idempotency-Key": key},
        timeout=GATEWAY_TIMEOUT,
    )
    return response.raise_for_status().json()
