# exercise: resilience.endpoint
# right: a table of failures, a middleware that sets the request id header, and a per-request client
from contextlib import asynccontextmanager

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

FAILURES: dict[str, tuple[int, bool, str]] = {
    "missing_idempotency_key": (400, False, "An Idempotency-Key header is required."),
    "invalid_request": (422, False, "The request body is invalid."),
    "payment_refused": (402, False, "The payment was declined."),
    "gateway_unavailable": (503, True, "The payment provider is unavailable."),
    "gateway_timeout": (504, True, "The payment provider timed out."),
    "gateway_unreachable": (502, True, "The payment provider is unreachable."),
}


def classify(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.HTTPStatusError):
        return "gateway_unavailable" if error.response.status_code in RETRYABLE_STATUS else "payment_refused"
    return "gateway_timeout" if isinstance(error, httpx.TimeoutException) else "gateway_unreachable"


def envelope_response(kind: str, request_id: str) -> JSONResponse:
    status, retryable, message = FAILURES[kind]
    logging.getLogger("payments").log(
        logging.ERROR if status >= 500 else logging.WARNING,
        "payment request failed",
        extra={"request_id": request_id, "error_type": kind},
    )
    body = {"error": {"type": kind, "message": message, "retryable": retryable, "request_id": request_id}}
    return JSONResponse(body, status_code=status)


def build_app(gateway_url: str) -> FastAPI:
    app = FastAPI()

    @app.middleware("http")
    async def request_ids(request: Request, call_next):  # type: ignore[no-untyped-def]
        request.state.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, _: RequestValidationError) -> JSONResponse:
        return envelope_response("invalid_request", request.state.request_id)

    @app.post("/payments")
    async def payments(request: Request, payment: Payment) -> JSONResponse:
        key = request.headers.get("Idempotency-Key")
        if key is None or not key.strip():
            return envelope_response("missing_idempotency_key", request.state.request_id)
        async with httpx.AsyncClient(base_url=gateway_url, transport=gateway_transport()) as client:
            try:
                response = await client.post(
                    "/v1/charges", json=payment.model_dump(), headers={"Idempotency-Key": key}, timeout=GATEWAY_TIMEOUT
                )
                response.raise_for_status()
            except httpx.HTTPError as error:
                return envelope_response(classify(error), request.state.request_id)
        return JSONResponse(response.json())

    return app
