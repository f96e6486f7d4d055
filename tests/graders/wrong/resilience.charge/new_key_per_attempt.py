# exercise: resilience.charge
# wrong: makes a fresh uuid4 key inside the retried function, so a retry after a timeout charges again
# caught-by: test_charge_sends_one_key_on_every_attempt
# hint: key_once
def is_retryable(error: BaseException) -> bool:
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in RETRYABLE_STATUS
    return isinstance(error, httpx.TransportError)


@retry(
    stop=stop_after_attempt(4),
    wait=wait_exponential(multiplier=0.5, max=8),
    retry=retry_if_exception(is_retryable),
    reraise=True,
    sleep=pause,
)
async def charge(client: httpx.AsyncClient, amount_cents: int, *, key: str) -> dict[str, object]:
    attempt_key = f"{key}-{uuid.uuid4()}"  # "unique per request"
    response = await client.post(
        "/v1/charges",
        json={"amount_cents": amount_cents},
        headers={"Idempotency-Key": attempt_key},
        timeout=GATEWAY_TIMEOUT,
    )
    return response.raise_for_status().json()
