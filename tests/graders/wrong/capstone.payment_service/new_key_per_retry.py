# exercise: capstone.payment_service
# wrong: forwards the client's key on the first attempt only and a key of its own on each retry, so a retry after a timeout charges again
# caught-by: test_service_is_idempotent
# hint: forward_key
log = logging.getLogger("payments")


class PaymentRequest(BaseModel):
    """The body of POST /payments."""

    model_config = ConfigDict(extra="forbid")

    amount: str = Field(pattern=r"^\d{1,5}(\.\d{1,2})?$")
    currency: Literal["EUR", "USD", "GBP"]
    recipient_id: uuid.UUID
    customer_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)

    @field_validator("amount")
    @classmethod
    def _in_range(cls, amount: str) -> str:
        if not Decimal("0.01") <= Decimal(amount) <= Decimal("10000.00"):
            raise ValueError("the amount must be between 0.01 and 10000.00")
        return amount

    @property
    def amount_cents(self) -> int:
        return int(Decimal(self.amount).scaleb(2))


def envelope(status: int, kind: str, message: str, *, retryable: bool) -> JSONResponse:
    """An error answer: {"error": {"type", "message", "retryable"}} with its status."""
    body = {"error": {"type": kind, "message": message, "retryable": retryable}}
    return JSONResponse(body, status_code=status)


def is_retryable(error: BaseException) -> bool:
    """True for the failures a later attempt of the same request may fix."""
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in RETRYABLE_STATUS
    return isinstance(error, httpx.TransportError)


def build_app(
    gateway_url: str, database: str, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The payment service: POST /payments, as the statement describes."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        async with httpx.AsyncClient(base_url=gateway_url, transport=transport) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = sorted({str(e["loc"][-1]) for e in error.errors() if e["loc"]})
        log.warning("payment refused", extra={"error_type": "invalid_request", "fields": fields})
        message = f"These fields are missing or invalid: {', '.join(fields) or 'the body'}."
        return envelope(422, "invalid_request", message, retryable=False)

    def stored(key: str) -> dict[str, object] | None:
        with closing(open_database(database)) as db:
            row = db.execute(
                "SELECT id, charge_id, amount_cents, currency FROM payments WHERE idempotency_key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        return {"payment_id": row[0], "charge_id": row[1], "amount_cents": row[2], "currency": row[3]}

    def record(key: str, payment: PaymentRequest, charge_id: str) -> int:
        with closing(open_database(database)) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                payment_id = db.execute(
                    "INSERT INTO payments (idempotency_key, amount_cents, currency, recipient_id, charge_id)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (key, payment.amount_cents, payment.currency, str(payment.recipient_id), charge_id),
                ).lastrowid
                db.execute(
                    "INSERT INTO audit (payment_id, event, amount_cents) VALUES (?, 'charged', ?)",
                    (payment_id, payment.amount_cents),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(payment_id)

    def attempt_key(key: str, number: int) -> str:
        return key if number == 1 else f"{key}-retry-{number}"

    async def charge(client: httpx.AsyncClient, key: str, payment: PaymentRequest) -> dict[str, object]:
        async for attempt in AsyncRetrying(
            stop=stop_after_attempt(3),
            wait=wait_exponential(multiplier=0.5, max=4),
            retry=retry_if_exception(is_retryable),
            reraise=True,
            sleep=pause,
        ):
            with attempt:
                response = await client.post(
                    "/v1/charges",
                    json={
                        "amount_cents": payment.amount_cents,
                        "currency": payment.currency,
                        "recipient_id": str(payment.recipient_id),
                    },
                    headers={"Idempotency-Key": attempt_key(key, attempt.retry_state.attempt_number)},
                    timeout=GATEWAY_TIMEOUT,
                )
                return response.raise_for_status().json()
        raise AssertionError("unreachable: tenacity either returns or re-raises")

    @app.post("/payments")
    async def create_payment(
        payment: PaymentRequest,
        request: Request,
        idempotency_key: Annotated[str | None, Header(max_length=64)] = None,
    ) -> JSONResponse:
        if not idempotency_key:
            log.warning("payment refused", extra={"error_type": "missing_idempotency_key"})
            return envelope(400, "missing_idempotency_key", "Send an Idempotency-Key header.", retryable=False)
        earlier = stored(idempotency_key)
        if earlier is not None:
            log.info("payment replayed", extra={"payment_id": earlier["payment_id"]})
            return JSONResponse(earlier)
        started = asyncio.get_running_loop().time()
        try:
            charged = await charge(request.app.state.client, idempotency_key, payment)
        except httpx.TimeoutException:
            log.error("gateway timed out", extra={"error_type": "gateway_timeout"})
            return envelope(504, "gateway_timeout", "The payment gateway did not answer in time.", retryable=True)
        except httpx.TransportError:
            log.error("gateway unreachable", extra={"error_type": "gateway_unreachable"})
            return envelope(502, "gateway_unreachable", "The payment gateway could not be reached.", retryable=True)
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            if status in RETRYABLE_STATUS:
                log.error("gateway unavailable", extra={"error_type": "gateway_unavailable", "status": status})
                return envelope(503, "gateway_unavailable", "The payment gateway is unavailable.", retryable=True)
            log.warning("payment refused by the gateway", extra={"error_type": "payment_refused", "status": status})
            return envelope(402, "payment_refused", "The payment was refused.", retryable=False)
        try:
            payment_id = record(idempotency_key, payment, str(charged["charge_id"]))
        except sqlite3.Error:
            log.exception("payment not recorded", extra={"error_type": "storage_error"})
            return envelope(500, "storage_error", "The payment could not be recorded; retry with the same key.", retryable=True)
        elapsed_ms = round((asyncio.get_running_loop().time() - started) * 1000)
        log.info(
            "payment succeeded",
            extra={"payment_id": payment_id, "amount_cents": payment.amount_cents, "elapsed_ms": elapsed_ms},
        )
        return JSONResponse(
            {"payment_id": payment_id, "charge_id": charged["charge_id"], "amount_cents": payment.amount_cents, "currency": payment.currency}
        )

    return app


REVIEW = """
### Analysis

The endpoint I was handed reads the body as raw JSON, converts the amount with float,
calls the gateway with the blocking requests library and stores the payment and its audit
row in two separate statements. Critical issues:

1. No input validation: any body is forwarded, a negative amount is charged before the
   database refuses it, and a malformed amount crashes the endpoint with a bare 500.
2. Money as a float: int(float("19.99") * 100) is 1998, so a cent is lost.
3. A blocking call without a timeout inside async def: one slow gateway call stalls
   every other request, and a gateway that never answers holds the worker for ever.
4. No status check and no retries: a 503 is returned to the client as a 200 and stored
   as a payment; a dropped connection fails the payment although a retry would pass.
5. No idempotency: the client's Idempotency-Key is ignored, so a retry charges twice.
6. Personal data in the logs: the customer's e-mail address is logged in clear text, in
   an f-string that no log query can filter on.
7. No transaction: when the audit insert fails, the payment row stays without its audit.

### Implementation

The cell above: a PaymentRequest model (extra fields forbidden, the amount as a decimal
string converted to integer cents), one httpx.AsyncClient for the app with
GATEWAY_TIMEOUT on every call, tenacity's AsyncRetrying with three attempts, exponential
backoff and reraise=True for transport errors and 429/5xx only, the Idempotency-Key
forwarded on every attempt and stored with a UNIQUE constraint so a repeat is replayed,
both rows written between BEGIN IMMEDIATE and COMMIT, one structured log record per
outcome with technical fields only, and every failure answered as an error envelope.

### Security Checklist

- [x] Input validation with Pydantic/dataclasses: PaymentRequest forbids extra fields and checks every field before any work.
- [x] No hardcoded secrets: the service holds no credential; the gateway URL and transport are passed in.
- [x] Parameterized database queries: every statement uses ? placeholders, never string formatting.
- [x] No dangerous functions (eval, exec, pickle): none is used; the body is parsed by pydantic.
- [ ] Dependencies audited: not done here; run pip-audit in CI against the pinned versions.

### Testing Requirements

```python
def test_refuses_an_amount_with_three_decimals(): ...
def test_charges_19_99_as_1999_cents(): ...
def test_retries_a_503_then_succeeds_with_one_charge(): ...
def test_never_retries_a_declined_card(): ...
def test_a_repeated_request_is_replayed_without_a_second_charge(): ...
def test_an_audit_failure_rolls_the_payment_back(): ...
def test_no_log_record_contains_the_email(): ...
```

### Ruff Compliance

```bash
ruff check --fix .
ruff format .
```
"""
