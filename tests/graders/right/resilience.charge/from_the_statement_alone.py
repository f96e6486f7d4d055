# exercise: resilience.charge
# right: an examiner's answer, written from the statement alone
# its own while loop with await pause(...) and raise_for_status()
def is_retryable(error: BaseException) -> bool:
    """True for the failures a later attempt of the same request may fix."""
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in RETRYABLE_STATUS
    return isinstance(error, httpx.TransportError)


MAX_ATTEMPTS = 4
FIRST_WAIT = 0.5
WAIT_CAP = 8.0


async def charge(client: httpx.AsyncClient, amount_cents: int, *, key: str) -> dict[str, object]:
    """Charge amount_cents through the gateway, retrying what may pass, with one key."""
    attempt = 0
    while True:
        attempt += 1
        try:
            response = await client.post(
                "/v1/charges",
                json={"amount_cents": amount_cents},
                headers={"Idempotency-Key": key},
                timeout=GATEWAY_TIMEOUT,
            )
            response.raise_for_status()
        except (httpx.TransportError, httpx.HTTPStatusError) as error:
            if not is_retryable(error) or attempt >= MAX_ATTEMPTS:
                raise
            await pause(min(WAIT_CAP, FIRST_WAIT * 2 ** (attempt - 1)))
            continue
        return response.json()
