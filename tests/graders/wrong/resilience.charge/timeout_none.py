# exercise: resilience.charge
# wrong: timeout=None on the request, so a gateway that never answers holds the call forever
# caught-by: test_charge_sets_the_gateway_timeout
# hint: finite_timeout
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
    response = await client.post(
        "/v1/charges",
        json={"amount_cents": amount_cents},
        headers={"Idempotency-Key": key},
        timeout=None,  # "payments can be slow"
    )
    return response.raise_for_status().json()
