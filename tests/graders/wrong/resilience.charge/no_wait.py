# exercise: resilience.charge
# wrong: a stop and a condition but no wait=, so the four attempts hit the struggling gateway back to back
# caught-by: test_charge_backs_off_between_attempts
# hint: backoff
def is_retryable(error: BaseException) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in RETRYABLE_STATUS
    return isinstance(error, httpx.TransportError)


@retry(stop=stop_after_attempt(4), retry=retry_if_exception(is_retryable), reraise=True, sleep=pause)
async def charge(client: httpx.AsyncClient, amount_cents: int, *, key: str) -> dict[str, object]:
    response = await client.post(
        "/v1/charges",
        json={"amount_cents": amount_cents},
        headers={"Idempotency-Key": key},
        timeout=GATEWAY_TIMEOUT,
    )
    return response.raise_for_status().json()
