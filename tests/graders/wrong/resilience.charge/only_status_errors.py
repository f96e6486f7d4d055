# exercise: resilience.charge
# wrong: retries 429 and 5xx answers but not transport errors, so a dropped connection ends the charge
# caught-by: test_charge_succeeds_after_transient_failures
# hint: retry_transient
def is_retryable(error: BaseException) -> bool:
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code in RETRYABLE_STATUS


@retry(
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    retry=retry_if_exception(is_retryable),
    reraise=True,
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
