# exercise: resilience.charge
# wrong: retries every httpx.HTTPError, so a 400 or a declined card is sent four times
# caught-by: test_charge_does_not_retry_client_errors
# hint: no_retry_4xx
@retry(
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    retry=retry_if_exception(lambda error: isinstance(error, httpx.HTTPError)),
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
