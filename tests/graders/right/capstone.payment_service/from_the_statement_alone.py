# exercise: capstone.payment_service
# right: an examiner's answer, written from the statement alone
# a regex and Decimal amount check, tenacity AsyncRetrying with pause, database work in
# asyncio.to_thread
import re

from pydantic import EmailStr

log = logging.getLogger("payments")

AMOUNT_TEXT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000.00")
MAX_ATTEMPTS = 3


class PaymentRequest(BaseModel):
    """The body of POST /payments."""

    model_config = ConfigDict(extra="forbid")

    amount: str  # a decimal string; a JSON number is refused (no coercion to str)
    currency: Literal["EUR", "USD", "GBP"]
    recipient_id: uuid.UUID
    customer_email: EmailStr

    @field_validator("amount")
    @classmethod
    def _amount_in_range(cls, text: str) -> str:
        if not AMOUNT_TEXT.fullmatch(text):
            raise ValueError("amount must be a decimal string with at most two decimal places")
        try:
            value = Decimal(text)
        except InvalidOperation:  # unreachable after the pattern, kept as a guard
            raise ValueError("amount is not a decimal number") from None
        if not MIN_AMOUNT <= value <= MAX_AMOUNT:
            raise ValueError("amount must be from 0.01 to 10000.00")
        return text

    @property
    def amount_cents(self) -> int:
        """The amount in integer minor units, computed exactly."""
        return int(Decimal(self.amount).scaleb(2))


def envelope(status: int, kind: str, message: str, *, retryable: bool) -> JSONResponse:
    """An error answer: {"error": {"type", "message", "retryable"}} with its status."""
    body = {"error": {"type": kind, "message": message, "retryable": retryable}}
    return JSONResponse(body, status_code=status)


def is_retryable(error: BaseException) -> bool:
    """True for the failures a later attempt of the same request may fix."""
    if isinstance(error, httpx.TransportError):
        return True
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code in RETRYABLE_STATUS


def failure_for(error: BaseException) -> tuple[int, str, str, bool]:
    """The status, error type, message and retryable flag for a gateway call that failed."""
    if isinstance(error, httpx.HTTPStatusError):
        if error.response.status_code in RETRYABLE_STATUS or error.response.status_code >= 500:
            return 503, "gateway_unavailable", "The payment gateway is unavailable; please retry.", True
        return 402, "payment_refused", "The payment was refused.", False
    if isinstance(error, httpx.TimeoutException):
        return 504, "gateway_timeout", "The payment gateway did not answer in time; please retry.", True
    return 502, "gateway_unreachable", "The payment gateway could not be reached; please retry.", True


def build_app(
    gateway_url: str, database: str, transport: httpx.AsyncBaseTransport | None = None
) -> FastAPI:
    """The payment service: POST /payments, as the statement describes."""

    def find_payment(key: str) -> dict[str, object] | None:
        with closing(open_database(database)) as connection:
            row = connection.execute(
                "SELECT id, charge_id, amount_cents, currency FROM payments WHERE idempotency_key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        payment_id, charge_id, amount_cents, currency = row
        return {"payment_id": payment_id, "charge_id": charge_id, "amount_cents": amount_cents, "currency": currency}

    def record_payment(key: str, payment: PaymentRequest, charge_id: str) -> int:
        """Insert the payment and its audit row in one transaction; return the payment's id."""
        cents = payment.amount_cents
        with closing(open_database(database)) as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                cursor = connection.execute(
                    "INSERT INTO payments (idempotency_key, amount_cents, currency, recipient_id, charge_id)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (key, cents, payment.currency, str(payment.recipient_id), charge_id),
                )
                payment_id = cursor.lastrowid
                connection.execute(
                    "INSERT INTO audit (payment_id, event, amount_cents) VALUES (?, 'charged', ?)",
                    (payment_id, cents),
                )
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        return payment_id

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient(base_url=gateway_url, transport=transport) as client:
            app.state.gateway = client
            yield

    app = FastAPI(lifespan=lifespan)

    def fail(status: int, kind: str, message: str, retryable: bool) -> JSONResponse:
        level = logging.ERROR if status >= 500 else logging.WARNING
        log.log(level, "payment failed", extra={"error_type": kind, "status": status})
        return envelope(status, kind, message, retryable=retryable)

    @app.exception_handler(RequestValidationError)
    async def refuse_invalid(_request: Request, _error: RequestValidationError) -> JSONResponse:
        return fail(422, "invalid_request", "The payment request is not valid.", False)

    @app.post("/payments")
    async def create_payment(
        payment: PaymentRequest,
        request: Request,
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        if idempotency_key is None or not idempotency_key.strip():
            return fail(400, "missing_idempotency_key", "The Idempotency-Key header is required.", False)

        try:
            earlier = await asyncio.to_thread(find_payment, idempotency_key)
        except sqlite3.Error:
            return fail(500, "storage_error", "The payment could not be looked up; please retry.", True)
        if earlier is not None:
            log.debug("payment replayed", extra={"payment_id": earlier["payment_id"]})
            return JSONResponse(earlier)

        client: httpx.AsyncClient = request.app.state.gateway
        gateway_body = {
            "amount_cents": payment.amount_cents,
            "currency": payment.currency,
            "recipient_id": str(payment.recipient_id),
        }
        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(MAX_ATTEMPTS),
                wait=wait_exponential(multiplier=0.5, max=5),
                retry=retry_if_exception(is_retryable),
                sleep=pause,
                reraise=True,
            ):
                with attempt:
                    answer = await client.post(
                        "/v1/charges",
                        json=gateway_body,
                        headers={"Idempotency-Key": idempotency_key},
                        timeout=GATEWAY_TIMEOUT,
                    )
                    answer.raise_for_status()
            charge_id = str(answer.json()["charge_id"])
        except (httpx.HTTPError, ValueError, KeyError) as error:
            return fail(*failure_for(error))

        try:
            payment_id = await asyncio.to_thread(record_payment, idempotency_key, payment, charge_id)
        except sqlite3.Error:
            return fail(500, "storage_error", "The payment could not be recorded; please retry.", True)

        log.info("payment succeeded", extra={"payment_id": payment_id, "amount_cents": payment.amount_cents})
        return JSONResponse(
            {
                "payment_id": payment_id,
                "charge_id": charge_id,
                "amount_cents": payment.amount_cents,
                "currency": payment.currency,
            }
        )

    return app


REVIEW = """
### Analysis

The handed endpoint works on the happy path only. Its defects:

- No validation at the edge: the raw JSON is used as is, so `"lots"` crashes with a 500 and `-5.00` is charged before the database's CHECK refuses it.
- Money as a float: `int(float(amount) * 100)` turns 19.99 into 1998 cents.
- A blocking `requests.post` inside `async def`, with no timeout: one slow gateway call stalls every request and can hang for ever.
- The gateway's status is never checked: a 503 is answered 200 and stored as a charge, and nothing is retried.
- The `Idempotency-Key` is ignored: a client retry charges the card twice and stores two payments.
- The customer's e-mail address and the whole body go into an f-string log record.
- The payment and audit rows are two autocommitted inserts: a failing audit insert leaves a payment without its audit row.
- The whole body, e-mail included, is forwarded to the gateway.

### Implementation

The cell above: a `PaymentRequest` model with `extra="forbid"`, amounts as exact integer cents
from `Decimal`, one `httpx.AsyncClient` per app with `timeout=GATEWAY_TIMEOUT` on each call,
bounded retries with exponential backoff for transport errors and 429/5xx only, the client's key
sent on every attempt and stored in a UNIQUE column, structured logs without personal data, and
both inserts in one `BEGIN IMMEDIATE` transaction; every error leaves as an envelope.

### Security Checklist

- [ ] Input validation with Pydantic/dataclasses: the handed endpoint reads raw JSON without any model.
- [x] No hardcoded secrets: no key or password appears in the handed code.
- [x] Parameterized database queries: both inserts pass their values as parameters.
- [x] No dangerous functions (eval, exec, pickle): none of them is called anywhere.
- [ ] Dependencies audited: nobody ran pip-audit on requests, httpx and fastapi yet.

### Testing Requirements

- `def test_invalid_amount_is_refused_before_the_gateway()`: `"lots"`, `-5.00`, `1.234` and a JSON number get 422 and no gateway request.
- `def test_amount_travels_as_exact_cents()`: 19.99 reaches the gateway and the table as 1999.
- `def test_slow_gateway_times_out()`: a gateway slower than the timeout gives 504 after three attempts.
- `def test_503_is_retried_with_backoff()`: two 503s then success give one charge and two recorded waits.
- `def test_declined_card_is_not_retried()`: a 402 is requested once and answered 402.
- `def test_same_key_charges_once()`: two requests with one key give one charge and one row.
- `def test_logs_hold_no_email()`: no log record contains the customer's address.
- `def test_failed_audit_insert_stores_nothing()`: a failing audit trigger leaves both tables empty and answers 500.

### Ruff Compliance

```
ruff check --select ALL payments/
ruff format --check payments/
```
"""
