# exercise: resilience.endpoint
# right: an examiner's answer, written from the statement alone
# a Failure exception with central handlers, a middleware for X-Request-ID, the client
# opened in lifespan
from contextlib import asynccontextmanager

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("payments")


def to_error(error: BaseException) -> tuple[int, str, str, bool]:
    """The status, type, message and retryable flag for a failed gateway call."""
    if isinstance(error, httpx.HTTPStatusError):
        code = error.response.status_code
        if code == 429 or code >= 500:
            return 503, "gateway_unavailable", "The payment gateway is unavailable; retry later.", True
        return 402, "payment_refused", "The payment was refused by the gateway.", False
    if isinstance(error, httpx.TimeoutException):
        return 504, "gateway_timeout", "The payment gateway did not answer in time.", True
    return 502, "gateway_unreachable", "The payment gateway could not be reached.", True


class Failure(Exception):
    """A failed request, on its way to becoming an error envelope."""

    def __init__(self, status: int, kind: str, message: str, retryable: bool) -> None:
        super().__init__(kind)
        self.status = status
        self.kind = kind
        self.message = message
        self.retryable = retryable


def build_app(gateway_url: str) -> FastAPI:
    """A FastAPI app with POST /payments, as the statement describes."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        async with httpx.AsyncClient(base_url=gateway_url, transport=gateway_transport()) as client:
            app.state.gateway = client
            yield

    app = FastAPI(lifespan=lifespan)

    def failure_response(request: Request, failure: Failure) -> JSONResponse:
        request_id = request.state.request_id
        level = logging.ERROR if failure.status >= 500 else logging.WARNING
        log.log(
            level,
            "payment request failed",
            extra={"request_id": request_id, "error_type": failure.kind},
        )
        return JSONResponse(
            status_code=failure.status,
            content={
                "error": {
                    "type": failure.kind,
                    "message": failure.message,
                    "retryable": failure.retryable,
                    "request_id": request_id,
                }
            },
        )

    @app.middleware("http")
    async def request_id_middleware(request: Request, call_next):
        request.state.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    @app.exception_handler(Failure)
    async def on_failure(request: Request, failure: Failure) -> JSONResponse:
        return failure_response(request, failure)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, _error: RequestValidationError) -> JSONResponse:
        failure = Failure(422, "invalid_request", "The request body is not a valid payment.", False)
        return failure_response(request, failure)

    @app.post("/payments")
    async def create_payment(
        payment: Payment,
        request: Request,
        idempotency_key: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        if not idempotency_key:
            raise Failure(400, "missing_idempotency_key", "The Idempotency-Key header is required.", False)
        client: httpx.AsyncClient = request.app.state.gateway
        try:
            answer = await client.post(
                "/v1/charges",
                json={"amount_cents": payment.amount_cents, "recipient_id": payment.recipient_id},
                headers={"Idempotency-Key": idempotency_key},
                timeout=GATEWAY_TIMEOUT,
            )
            answer.raise_for_status()
            charged = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise Failure(*to_error(error)) from None
        return JSONResponse(charged)

    return app
