# exercise: resilience.endpoint
# wrong: puts the gateway's answer into the message, so its traceback and token reach the client
# caught-by: test_endpoint_never_echoes_internals
# hint: no_leak
from contextlib import asynccontextmanager

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("payments")


def to_error(error: BaseException) -> tuple[int, str, str, bool]:
    """The status, type, message and retryable flag for a failed gateway call."""
    if isinstance(error, httpx.TimeoutException):
        return 504, "gateway_timeout", "The payment gateway did not answer in time.", True
    if isinstance(error, httpx.TransportError):
        return 502, "gateway_unreachable", "The payment gateway could not be reached.", True
    if isinstance(error, httpx.HTTPStatusError) and error.response.status_code in RETRYABLE_STATUS:
        return 503, "gateway_unavailable", "The payment gateway is unavailable.", True
    if isinstance(error, httpx.HTTPStatusError):
        return 402, "payment_refused", "The payment was refused.", False
    return 500, "internal_error", "Something went wrong on our side.", False


def build_app(gateway_url: str) -> FastAPI:
    """A FastAPI app with POST /payments, as the statement describes."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        async with httpx.AsyncClient(base_url=gateway_url, transport=gateway_transport()) as client:
            app.state.client = client
            yield

    app = FastAPI(lifespan=lifespan)

    def fail(status: int, kind: str, message: str, retryable: bool, request_id: str) -> JSONResponse:
        level = logging.ERROR if status >= 500 else logging.WARNING
        log.log(level, "payment failed", extra={"request_id": request_id, "error_type": kind})
        body = {"error": {"type": kind, "message": message, "retryable": retryable, "request_id": request_id}}
        return JSONResponse(body, status_code=status, headers={"X-Request-ID": request_id})

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        fields = sorted({".".join(str(part) for part in e["loc"][1:]) for e in error.errors()})
        message = f"These fields are missing or invalid: {', '.join(fields) or 'the body'}."
        return fail(422, "invalid_request", message, False, request_id)

    @app.post("/payments")
    async def create_payment(
        payment: Payment,
        idempotency_key: Annotated[str | None, Header()] = None,
        x_request_id: Annotated[str | None, Header()] = None,
    ) -> JSONResponse:
        request_id = x_request_id or str(uuid.uuid4())
        if not idempotency_key:
            return fail(400, "missing_idempotency_key", "Send an Idempotency-Key header.", False, request_id)
        try:
            response = await app.state.client.post(
                "/v1/charges",
                json=payment.model_dump(),
                headers={"Idempotency-Key": idempotency_key},
                timeout=GATEWAY_TIMEOUT,
            )
            response.raise_for_status()
        except Exception as error:
            status, kind, message, retryable = to_error(error)
            if isinstance(error, httpx.HTTPStatusError):
                message = f"{message} The gateway said: {error.response.text}"
            return fail(status, kind, message, retryable, request_id)
        return JSONResponse(response.json(), headers={"X-Request-ID": request_id})

    return app
