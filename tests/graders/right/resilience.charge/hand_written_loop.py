# exercise: resilience.charge
# right: no tenacity: a plain loop with capped exponential waits through pause()
MAX_ATTEMPTS = 4


async def charge(client: httpx.AsyncClient, amount_cents: int, *, key: str) -> dict[str, object]:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            response = await client.post(
                "/v1/charges",
                json={"amount_cents": amount_cents},
                headers={"Idempotency-Key": key},
                timeout=GATEWAY_TIMEOUT,
            )
            if response.status_code in RETRYABLE_STATUS and attempt < MAX_ATTEMPTS:
                await pause(min(0.5 * 2 ** (attempt - 1), 8.0))
                continue
            response.raise_for_status()
            return response.json()
        except httpx.TransportError:
            if attempt == MAX_ATTEMPTS:
                raise
            await pause(min(0.5 * 2 ** (attempt - 1), 8.0))
    raise AssertionError("unreachable: the last attempt returns or raises")
