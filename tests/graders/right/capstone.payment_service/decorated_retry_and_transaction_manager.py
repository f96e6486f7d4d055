# exercise: capstone.payment_service
# right: module-level @retry with sleep=pause and its own retryable exception, a transaction context manager, Decimal quantize checks, a status table
from collections.abc import Iterator
from contextlib import contextmanager

from tenacity import retry, retry_if_exception_type

log = logging.getLogger("payments")
CENT = Decimal("0.01")


class PaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: str
    currency: Literal["EUR", "USD", "GBP"]
    recipient_id: uuid.UUID
    customer_email: Annotated[str, Field(min_length=3, max_length=254, pattern=r"^\S+@\S+\.\S+$")]

    @field_validator("amount", mode="before")
    @classmethod
    def _decimal_text(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError("the amount must be a string such as '19.99'")
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise ValueError("the amount is not a number") from None
        if not amount.is_finite() or amount != amount.quantize(CENT) or not CENT <= amount <= Decimal(10_000):
            raise ValueError("the amount needs at most two decimals, from 0.01 to 10000.00")
        return value

    def minor_units(self) -> int:
        return int(Decimal(self.amount) * 100)


class StatusToRetry(Exception):
    """The gateway said 'not now' (429 or 5xx)."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


@retry(
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=1, min=1, max=4),
    retry=retry_if_exception_type((httpx.TransportError, StatusToRetry)),
    reraise=True,
    sleep=pause,
)
async def post_charge(client: httpx.AsyncClient, key: str, body: dict[str, object]) -> dict[str, object]:
    response = await client.post("/v1/charges", json=body, headers={"Idempotency-Key": key}, timeout=GATEWAY_TIMEOUT)
    if response.status_code in RETRYABLE_STATUS:
        raise StatusToRetry(response)
    response.raise_for_status()
    return response.json()


@contextmanager
def transaction(database: str) -> Iterator[sqlite3.Connection]:
    connection = open_database(database)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        connection.close()


ERRORS = {
    "missing_idempotency_key": (400, False, "Please send an Idempotency-Key header."),
    "invalid_request": (422, False, "The request body is not a valid payment."),
    "payment_refused": (402, False, "The payment was declined."),
    "storage_error": (500, True, "We could not store the payment. Retry with the same key."),
    "gateway_unreachable": (502, True, "The payment provider cannot be reached."),
    "gateway_unavailable": (503, True, "The payment provider is unavailable."),
    "gateway_timeout": (504, True, "The payment provider timed out."),
}


def error(kind: str) -> JSONResponse:
    status, retryable, message = ERRORS[kind]
    (log.error if status >= 500 else log.warning)("payment not completed", extra={"error_type": kind})
    return JSONResponse({"error": {"type": kind, "message": message, "retryable": retryable}}, status_code=status)


def build_app(gateway_url: str, database: str, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        app.state.gateway = httpx.AsyncClient(base_url=gateway_url, transport=transport)
        try:
            yield
        finally:
            await app.state.gateway.aclose()

    app = FastAPI(lifespan=lifespan)

    @app.exception_handler(RequestValidationError)
    async def refuse(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error("invalid_request")

    @app.post("/payments")
    async def payments(request: Request, body: PaymentRequest, key: Annotated[str | None, Header(alias="Idempotency-Key")] = None) -> JSONResponse:
        if not key:
            return error("missing_idempotency_key")
        with closing(open_database(database)) as db:
            row = db.execute("SELECT id, charge_id, amount_cents, currency FROM payments WHERE idempotency_key = ?", (key,)).fetchone()
        if row:
            return JSONResponse({"payment_id": row[0], "charge_id": row[1], "amount_cents": row[2], "currency": row[3]})
        cents = body.minor_units()
        try:
            charge = await post_charge(request.app.state.gateway, key, {"amount_cents": cents, "currency": body.currency, "recipient_id": str(body.recipient_id)})
        except httpx.TimeoutException:
            return error("gateway_timeout")
        except httpx.TransportError:
            return error("gateway_unreachable")
        except StatusToRetry:
            return error("gateway_unavailable")
        except httpx.HTTPStatusError:
            return error("payment_refused")
        try:
            with transaction(database) as db:
                payment_id = db.execute(
                    "INSERT INTO payments (idempotency_key, amount_cents, currency, recipient_id, charge_id) VALUES (?, ?, ?, ?, ?)",
                    (key, cents, body.currency, str(body.recipient_id), charge["charge_id"]),
                ).lastrowid
                db.execute("INSERT INTO audit (payment_id, event, amount_cents) VALUES (?, 'charged', ?)", (payment_id, cents))
        except sqlite3.Error:
            return error("storage_error")
        log.info("payment succeeded", extra={"payment_id": payment_id, "amount_cents": cents})
        return JSONResponse({"payment_id": payment_id, "charge_id": charge["charge_id"], "amount_cents": cents, "currency": body.currency})

    return app


REVIEW = "\n".join(
    [
        "### Analysis",
        "1) No validation of the body at all.",
        "2) float() for money.",
        "3) A blocking HTTP call with no timeout inside async code.",
        "4) Gateway errors are returned as success; nothing is retried.",
        "5) No idempotency key, so retries double charge.",
        "6) PII (the e-mail) in the logs.",
        "7) Two inserts without a transaction.",
        "",
        "### Implementation",
        "Rewritten above with pydantic, Decimal, httpx, tenacity and one SQLite transaction.",
        "",
        "### Security Checklist",
        "- [x] Input validation with Pydantic/dataclasses — every field is checked by PaymentRequest.",
        "- [x] No hardcoded secrets — the service has no secrets to hold.",
        "- [x] Parameterized database queries — all SQL uses ? placeholders.",
        "- [x] No dangerous functions (eval, exec, pickle) — none are used here.",
        "- [ ] Dependencies audited — an audit with pip-audit is still to do.",
        "",
        "### Testing Requirements",
        "def test_retry_after_503_charges_once(): ...",
        "",
        "### Ruff Compliance",
        "ruff check --fix . && ruff format .",
    ]
)
