# exercise: resilience.endpoint
# right: failures are raised as one exception type and turned into envelopes by FastAPI exception handlers
from contextlib import asynccontextmanager

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from dataclasses import dataclass

from fastapi import APIRouter

payments_log = logging.getLogger("payments")


@dataclass
class PaymentFailure(Exception):
    status: int
    kind: str
    message: str
    retryable: bool


def failure_for(error: httpx.HTTPError) -> PaymentFailure:
    match error:
        case httpx.TimeoutException():
            return PaymentFailure(504, "gateway_timeout", "The gateway took too long to answer.", True)
        case httpx.TransportError():
            return PaymentFailure(502, "gateway_unreachable", "We could not reach the gateway.", True)
        case httpx.HTTPStatusError(response=response) if response.status_code in RETRYABLE_STATUS:
            return PaymentFailure(503, "gateway_unavailable", "The gateway is busy; retry later.", True)
        case _:
            return PaymentFailure(402, "payment_refused", "The gateway refused this payment.", False)


def request_id_of(request: Request) -> str:
    if "request_id" not in request.scope:
        request.scope["request_id"] = request.headers.get("x-request-id") or uuid.uuid4().hex
    return request.scope["request_id"]


def build_app(gateway_url: str) -> FastAPI:
    client = httpx.AsyncClient(base_url=gateway_url, transport=gateway_transport())
    router = APIRouter()

    @router.post("/payments")
    async def pay(request: Request, payment: Payment) -> JSONResponse:
        key = request.headers.get("idempotency-key")
        if not key:
            raise PaymentFailure(400, "missing_idempotency_key", "The Idempotency-Key header is required.", False)
        try:
            answer = await client.post(
                "/v1/charges", json=payment.model_dump(), headers={"Idempotency-Key": key}, timeout=GATEWAY_TIMEOUT
            )
            answer.raise_for_status()
        except httpx.HTTPError as error:
            raise failure_for(error) from error
        return JSONResponse(answer.json(), headers={"X-Request-ID": request_id_of(request)})

    async def on_failure(request: Request, failure: Exception) -> JSONResponse:
        if isinstance(failure, RequestValidationError):
            failure = PaymentFailure(422, "invalid_request", "The payment body is not valid.", False)
        assert isinstance(failure, PaymentFailure)
        request_id = request_id_of(request)
        payments_log.log(
            logging.ERROR if failure.status >= 500 else logging.WARNING,
            "payment failed",
            extra={"request_id": request_id, "error_type": failure.kind},
        )
        envelope = {"type": failure.kind, "message": failure.message, "retryable": failure.retryable, "request_id": request_id}
        return JSONResponse({"error": envelope}, status_code=failure.status, headers={"X-Request-ID": request_id})

    app = FastAPI(exception_handlers={PaymentFailure: on_failure, RequestValidationError: on_failure})
    app.include_router(router)
    app.router.on_shutdown.append(client.aclose)
    return app
