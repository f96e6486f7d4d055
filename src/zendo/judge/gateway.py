"""A scripted, flaky payment gateway that graders serve over HTTP on a Unix socket.

The judge runs it in its own process, so what the gateway received (which requests, with
which `Idempotency-Key`, how many charges) is observed on the trusted side and never
reported by learner code. It listens on a Unix socket, normally inside a sandbox's shared
folder (`learner.sandbox.shared / "gateway.sock"`), which the learner's process reaches as
`httpx.AsyncHTTPTransport(uds=learner.inside("gateway.sock"))`: real HTTP over a real
socket, real timeouts and dropped connections, and the sandbox keeps no network.

Usage:
    with FlakyGateway(learner.sandbox.shared / "gateway.sock") as gateway:
        gateway.play("503", "drop", "ok")       # one step per request, then "ok" forever
        ... the learner's code POSTs to /v1/charges ...
        assert gateway.charges == ["ch_1"]
        assert [r.key for r in gateway.requests] == ["k1", "k1", "k1"]

Each request (any path, method POST, a JSON body) takes the next scripted step:

- `ok`: charges (`ch_N`, N counting from 1 after each `play`) and answers 200
  `{"charge_id", "amount_cents"}`; a key it has charged gets the stored answer again and
  no new charge.
- `slow`: the same, answered after `delay` seconds (the charge is made at once).
- `drop`: closes the connection without an answer.
- a status, `400`, `402`, ...: that status with a JSON error body; `503` adds
  `Retry-After: 2`.
- `STATUS:V` (`503:7`, `429:120`, `500:3`): that status with `Retry-After: V`; `503:`
  sends no `Retry-After`.
- `500leak`, `402leak`: that status with a traceback and `tok_SENTINEL` in the body.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socketserver
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any

logger = logging.getLogger(__name__)

SENTINEL = "tok_SENTINEL"  # a marker the leak steps put in their bodies, not a secret
LEAKED_TRACEBACK = "Traceback (most recent call last)"
KNOWN_STEPS = ("ok", "slow", "drop", "500leak", "402leak")


@dataclass(frozen=True)
class GatewayRequest:
    """One request the gateway received: its step, `Idempotency-Key` (or None) and body."""

    step: str
    key: str | None
    body: object
    path: str


def check_step(step: str) -> None:
    """Refuse a step the gateway does not know, naming it (a grader's mistake)."""
    code = step.partition(":")[0]
    if step in KNOWN_STEPS or (code.isdigit() and len(code) == 3 and 400 <= int(code) <= 599):
        return
    raise ValueError(
        f"Unknown gateway step {step!r}: use one of {', '.join(KNOWN_STEPS)}, "
        "a status such as '402', or 'STATUS:RETRY_AFTER' such as '503:2'."
    )


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that went away mid-answer is normal here (timeouts); say nothing."""


class FlakyGateway:
    """A payment gateway on a Unix socket that answers each request with a scripted step."""

    def __init__(self, socket_path: Path, *, delay: float = 1.0) -> None:
        self.socket_path = Path(socket_path)
        self.delay = delay
        self._lock = threading.Lock()
        self._script: list[str] = []
        self._then = "ok"
        self._requests: list[GatewayRequest] = []
        self._charges: list[str] = []
        self._answers: dict[str, tuple[int, dict[str, object]]] = {}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                gateway._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep the judge's stderr clean."""

        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()
        self._server = _Server(str(self.socket_path), Handler)
        # The sandbox's user may differ from the judge's: it must be allowed to connect.
        os.chmod(self.socket_path, 0o777)  # noqa: S103 - a socket in the sandbox's own folder
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="flaky-gateway", daemon=True
        )
        self._thread.start()
        logger.debug("gateway started", extra={"socket": str(self.socket_path)})

    def play(self, *steps: str, then: str = "ok", delay: float | None = None) -> None:
        """Script the next requests (one step each, then `then` forever); forget the past."""
        for step in (*steps, then):
            check_step(step)
        with self._lock:
            self._script, self._then = list(steps), then
            self._requests, self._charges, self._answers = [], [], {}
            if delay is not None:
                self.delay = delay

    @property
    def requests(self) -> list[GatewayRequest]:
        """Every request received since the last `play`, in order of arrival."""
        with self._lock:
            return list(self._requests)

    @property
    def charges(self) -> list[str]:
        """The charge ids made since the last `play` (`ch_1`, `ch_2`, ...)."""
        with self._lock:
            return list(self._charges)

    def steps(self) -> list[str]:
        """The steps the received requests took, in order."""
        return [request.step for request in self.requests]

    def close(self) -> None:
        """Stop serving and remove the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        with contextlib.suppress(FileNotFoundError):
            self.socket_path.unlink()

    def __enter__(self) -> FlakyGateway:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        key = handler.headers.get("Idempotency-Key")
        try:
            length = int(handler.headers.get("Content-Length") or 0)
            body: object = json.loads(handler.rfile.read(length) or b"null")
        except (ValueError, OSError):
            body = None
        with self._lock:
            step = self._script.pop(0) if self._script else self._then
            self._requests.append(GatewayRequest(step, key, body, handler.path))
            answer = self._charge(step, key, body)
            delay = self.delay
        if step == "drop":
            handler.close_connection = True
            return
        if step == "slow":
            time.sleep(delay)
        status, text, headers = self._answer(step, answer)
        data = text.encode()
        with contextlib.suppress(OSError):
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)

    def _charge(
        self, step: str, key: str | None, body: object
    ) -> tuple[int, dict[str, object]] | None:
        """For `ok` and `slow`: the stored answer for a known key, else a new charge."""
        if step not in ("ok", "slow"):
            return None
        if key is not None and key in self._answers:
            return self._answers[key]
        charge_id = f"ch_{len(self._charges) + 1}"
        self._charges.append(charge_id)
        amount = body.get("amount_cents") if isinstance(body, dict) else None
        answer: tuple[int, dict[str, object]] = (
            200,
            {"charge_id": charge_id, "amount_cents": amount},
        )
        if key is not None:
            self._answers[key] = answer
        return answer

    @staticmethod
    def _answer(
        step: str, answer: tuple[int, dict[str, object]] | None
    ) -> tuple[int, str, dict[str, str]]:
        """The status, body text and extra headers of a step's answer."""
        if answer is not None:
            return answer[0], json.dumps(answer[1]), {}
        if step == "500leak":
            return 500, f"{LEAKED_TRACEBACK}:\n  KeyError: token={SENTINEL}", {}
        if step == "402leak":
            return 402, json.dumps({"error": "card_declined", "debug": SENTINEL}), {}
        code, colon, value = step.partition(":")
        headers: dict[str, str] = {}
        if step == "503":
            headers["Retry-After"] = "2"
        elif colon and value:
            headers["Retry-After"] = value
        status = int(code)
        kind = {402: "card_declined", 429: "rate_limited"}.get(status, "bad_request")
        if status >= 500:
            kind = "try_later"
        return status, json.dumps({"error": kind}), headers
