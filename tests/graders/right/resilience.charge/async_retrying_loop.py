# exercise: resilience.charge
# right: tenacity's AsyncRetrying as a loop inside the function, with a retry condition on the outcome
def _worth_retrying(error: BaseException) -> bool:
    match error:
        case httpx.HTTPStatusError(response=response):
            return response.status_code in RETRYABLE_STATUS
        case httpx.TransportError():
            return True
        case _:
            return False


async def charge(client: httpx.AsyncClient, amount_cents: int, *, key: str) -> dict[str, object]:
    headers = {"Idempotency-Key": key}
    async for attempt in AsyncRetrying(
        stop=stop_after_attempt(4),
        wait=wait_exponential(multiplier=0.25, max=4),
        retry=retry_if_exception(_worth_retrying),
        reraise=True,
        sleep=pause,
    ):
        with attempt:
            response = await client.post(
                "/v1/charges", json={"amount_cents": amount_cents}, headers=headers, timeout=GATEWAY_TIMEOUT
            )
            response.raise_for_status()
            return response.json()
    raise AssertionError("unreachable: reraise=True raises the last error")
