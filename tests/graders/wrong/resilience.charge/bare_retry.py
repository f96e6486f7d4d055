# exercise: resilience.charge
# wrong: a bare @retry: retries every error, forever, without waiting
# caught-by: test_charge_stops_after_four_attempts
# hint: bounded_retries
@retry
async def charge(client: httpx.AsyncClient, amount_cents: int, *, key: str) -> dict[str, object]:
    response = await client.post(
        "/v1/charges",
        json={"amount_cents": amount_cents},
        headers={"Idempotency-Key": key},
        timeout=GATEWAY_TIMEOUT,
    )
    return response.raise_for_status().json()
