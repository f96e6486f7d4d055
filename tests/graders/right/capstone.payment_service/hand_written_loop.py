# exercise: capstone.payment_service
# right: no tenacity: a loop of its own with pause, string arithmetic for cents, an exception type for every failure, a plain BEGIN
log = logging.getLogger("payments")

MAX_ATTEMPTS = 3
AMOUNT = r"^(0|[1-9]\d{0,4})(\.\d{1,2})?$"


class PaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    amount: Annotated[str, Field(pattern=AMOUNT)]
    currency: Literal["EUR", "USD", "GBP"]
    recipient_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")]
    customer_email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")]

    def cents(self) -> int:
        whole, _, fraction = self.amount.partition(".")
        return int(whole) * 100 + int(fraction.ljust(2, "0"))

    @field_validator("amount")
    @classmethod
    def _positive_and_capped(cls, value: str) -> str:
        whole, _, fraction = value.partition(".")
        cents = int(whole) * 100 + int(fraction.ljust(2, "0"))
        if not 1 <= cents <= 1_000_000:
            raise ValueError("out of range")
        return value


class Failure(Exception):
    """A request that ends in an error envelope."""

    def __init__(self, status: int, kind: str, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.status, self.kind, self.message, self.retryable = status, kind, message, retryable


def classify(error: Exception) -> Failure:
    if isinstance(error, httpx.TimeoutException):
        return Failure(504, "gateway_timeout", "The gateway took too long.", True)
    if isinstance(error, httpx.TransportError):
        return Failure(502, "gateway_unreachable", "The gateway could not be reached.", True)
    assert isinstance(error, httpx.HTTPStatusError)
    if error.response.status_code in RETRYABLE_STATUS:
        return Failure(503, "gateway_unavailable", "The gateway is not available now.", True)
    return Failure(402, "payment_refused", "The card was refused.", False)


async def call_gateway(client: httpx.AsyncClient, key: str, body: dict[str, object]) -> dict[str, object]:
    last: Exception | None = None
    for attempt in range(MAX_ATTEMPTS):
        if attempt:
            await pause(0.25 * 2**attempt)
        try:
            response = await client.post("/v1/charges", json=body, headers={"Idempotency-Key": key}, timeout=GATEWAY_TIMEOUT)
            response.raise_for_status()
            return response.json()
        except httpx.HTTPStatusError as error:
            if error.response.status_code not in RETRYABLE_STATUS:
                raise classify(error) from error
            last = error
        except httpx.TransportError as error:
            last = error
    assert last is not None
    raise classify(last) from last


def find(database: str, key: str) -> dict[str, object] | None:
    with closing(open_database(database)) as db:
        row = db.execute("SELECT id, charge_id, amount_cents, currency FROM payments WHERE idempotency_key = ?", (key,)).fetchone()
    return None if row is None else dict(zip(("payment_id", "charge_id", "amount_cents", "currency"), row))


def save(database: str, key: str, payment: PaymentRequest, charge_id: str) -> int:
    db = open_database(database)
    try:
        db.execute("BEGIN")
        cursor = db.execute(
            "INSERT INTO payments (idempotency_key, amount_cents, currency, recipient_id, charge_id) VALUES (?, ?, ?, ?, ?)",
            (key, payment.cents(), payment.currency, payment.recipient_id, charge_id),
        )
        db.execute("INSERT INTO audit (payment_id, event, amount_cents) VALUES (?, ?, ?)", (cursor.lastrowid, "charged", payment.cents()))
        db.execute("COMMIT")
        return int(cursor.lastrowid)
    except sqlite3.Error as error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise Failure(500, "storage_error", "The payment was not saved; try again with the same key.", True) from error
    finally:
        db.close()


def build_app(gateway_url: str, database: str, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    client = httpx.AsyncClient(base_url=gateway_url, transport=transport)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        await client.aclose()

    app = FastAPI(lifespan=lifespan)

    async def on_failure(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Failure)
        level = logging.ERROR if error.status >= 500 else logging.WARNING
        log.log(level, "payment failed", extra={"error_type": error.kind})
        return JSONResponse({"error": {"type": error.kind, "message": error.message, "retryable": error.retryable}}, status_code=error.status)

    async def on_invalid(request: Request, error: Exception) -> JSONResponse:
        return await on_failure(request, Failure(422, "invalid_request", "The payment request is not valid.", False))

    app.add_exception_handler(Failure, on_failure)
    app.add_exception_handler(RequestValidationError, on_invalid)

    @app.post("/payments")
    async def pay(payment: PaymentRequest, idempotency_key: Annotated[str | None, Header()] = None) -> dict[str, object]:
        if idempotency_key is None:
            raise Failure(400, "missing_idempotency_key", "An Idempotency-Key header is required.", False)
        known = find(database, idempotency_key)
        if known is not None:
            return known
        body = {"amount_cents": payment.cents(), "currency": payment.currency, "recipient_id": payment.recipient_id}
        charged = await call_gateway(client, idempotency_key, body)
        payment_id = save(database, idempotency_key, payment, str(charged["charge_id"]))
        log.info("payment succeeded", extra={"payment_id": payment_id, "amount_cents": payment.cents()})
        return {"payment_id": payment_id, "charge_id": charged["charge_id"], "amount_cents": payment.cents(), "currency": payment.currency}

    return app


REVIEW = """
### Analysis
The handed-over endpoint trusts everything it receives.

* The body is never validated, so a negative amount is charged.
* The amount goes through float and loses a cent on 19.99.
* requests.post blocks the event loop and has no timeout.
* A 503 from the gateway comes back to the client as a 200.
* The Idempotency-Key header is ignored: a retry charges twice.
* The customer's e-mail is written to the log.
* The payment and audit inserts are not one transaction.

### Implementation
See the exercise cell: a strict pydantic model, a retry loop of three attempts with
growing waits through pause, the client's key on every attempt and in the payments
table, one transaction for both rows, and an envelope for every failure.

### Security Checklist
- [x] Input validation with Pydantic/dataclasses - a strict model with extra fields forbidden
- [x] No hardcoded secrets - nothing secret is in the code at all
- [x] Parameterized database queries - only placeholders, no string building
- [x] No dangerous functions (eval, exec, pickle) - none of them appears anywhere
- [ ] Dependencies audited - pip-audit has not been run on this service yet

### Testing Requirements
def test_declined_card_is_not_retried(): ...
def test_audit_failure_leaves_no_payment(): ...

### Ruff Compliance
ruff check .
ruff format --check .
"""
