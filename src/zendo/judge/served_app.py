"""The judge's side of a learner's web app served in the sandbox: what to preload, how to call it.

Lessons 07 and 09 build the learner's FastAPI app inside the sandbox and serve it with
uvicorn on a Unix socket in the shared folder; the judge sends each request itself.
Two things they share live here:

- `SERVED_APP_IMPORTS`: the modules serving and calling such an app makes the sandbox
  import, for `grader_imports(exercise_id, *SERVED_APP_IMPORTS)`, so that a spare imports
  them ahead, off the clock (about 40 ms of a warm check);
- `post_json`: one POST over the socket with the standard library's HTTP client. httpx
  and httpcore cost the judge 50 to 100 ms to import and set up, in every check; this
  costs nothing, and no TLS is involved (a Unix socket, plain HTTP).

Usage:
    grader_imports("resilience.endpoint", *SERVED_APP_IMPORTS)
    status, headers, body = post_json(app_socket, "/payments", {...}, {"Idempotency-Key": k},
                                      timeout=5.0, limit=1_000_000)
"""

from __future__ import annotations

import http.client
import json
import socket

SERVED_APP_IMPORTS = (
    # uvicorn and what it loads when it starts (its HTTP protocol, lifespan and loop)
    "uvicorn",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.lifespan.on",
    "uvicorn.loops.asyncio",
    # the httpx transport under the app's gateway client, loaded on its first request
    "httpcore",
    "h11",
    "anyio._backends._asyncio",
    # which FastAPI imports when the app declares its first route
    "pydantic.v1",
)


class _UnixConnection(http.client.HTTPConnection):
    """An HTTP/1.1 connection to a Unix socket: plain HTTP, no TLS."""

    def __init__(self, socket_path: str, timeout: float) -> None:
        super().__init__("app", timeout=timeout)
        self.socket_path = socket_path

    def connect(self) -> None:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(self.timeout)
        try:
            connection.connect(self.socket_path)
        except OSError:
            connection.close()
            raise
        self.sock = connection


def post_json(
    socket_path: str,
    path: str,
    body: object,
    headers: dict[str, str],
    *,
    timeout: float,
    limit: int,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """POST `body` as JSON to the app on `socket_path`, on a connection of its own.

    Returns the status, the headers (`.get` ignores case) and at most `limit` bytes of the
    body. Raises OSError (a timeout included) or http.client.HTTPException when no answer
    comes; `timeout` bounds each wait.
    """
    connection = _UnixConnection(socket_path, timeout)
    try:
        connection.request(
            "POST",
            path,
            body=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **headers},
        )
        response = connection.getresponse()
        return response.status, response.msg, response.read(limit)
    finally:
        connection.close()
