"""Relay a Unix socket in a sandbox's shared folder to one server socket of the judge's.

A sandbox has no network: its only way to a database server is a socket file in the one
folder it shares with the judge. `SocketRelay` listens on such a file and copies bytes,
both ways, between each connection made to it and a new connection to the real server's
socket (PostgreSQL's `.s.PGSQL.<port>`), on daemon threads of the trusted side. The
learner's process sees that one socket and nothing else of the server's machine; what
it may do through it is the server's business (its roles, passwords and `pg_hba.conf`).

Usage:
    with SocketRelay(shared / "pg" / ".s.PGSQL.5439", Path("/tmp/pg/.s.PGSQL.5439")):
        ...  # the learner connects with host=/shared/pg port=5439
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from pathlib import Path
from types import TracebackType

logger = logging.getLogger(__name__)

CHUNK_BYTES = 65_536
MAX_CONNECTIONS = 64


class SocketRelay:
    """Listens on `listen_path` and relays every connection to `target_path`."""

    def __init__(self, listen_path: Path, target_path: Path) -> None:
        self.listen_path = listen_path
        self.target_path = target_path
        self.connections = 0  # accepted so far, for tests and logs
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._acceptor: threading.Thread | None = None

    def start(self) -> SocketRelay:
        """Create the socket file (mode 0777, so the sandbox's uid may connect) and listen."""
        if len(bytes(self.listen_path)) >= 100:
            raise ValueError(
                f"The relay's socket path {self.listen_path} is too long for a Unix socket "
                "(107 bytes at most); use a shorter shared folder."
            )
        self.listen_path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self.listen_path.unlink()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.listen_path))
        os.chmod(self.listen_path, 0o777)  # noqa: S103 - the sandbox's uid differs from ours
        listener.listen(MAX_CONNECTIONS)
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept, name="socket-relay", daemon=True)
        self._acceptor.start()
        return self

    def _accept(self) -> None:
        listener = self._listener
        if listener is None:
            return
        while not self._closed.is_set():
            try:
                inner, _ = listener.accept()
            except OSError:
                return  # closed
            outer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                outer.connect(str(self.target_path))
            except OSError as error:
                logger.warning(
                    "The relay could not reach its server",
                    extra={"target": str(self.target_path), "error": error.strerror},
                )
                outer.close()
                inner.close()
                continue
            with self._lock:
                if self._closed.is_set():
                    inner.close()
                    outer.close()
                    return
                self.connections += 1
                self._sockets += [inner, outer]
            for source, sink in ((inner, outer), (outer, inner)):
                threading.Thread(
                    target=_pump, args=(source, sink), name="socket-relay-pump", daemon=True
                ).start()

    def close(self) -> None:
        """Stop listening, cut every relayed connection and remove the socket file."""
        self._closed.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
        with contextlib.suppress(FileNotFoundError):
            self.listen_path.unlink()

    def __enter__(self) -> SocketRelay:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes from source to sink until either side ends, then end both directions."""
    try:
        while chunk := source.recv(CHUNK_BYTES):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        for sock, how in ((sink, socket.SHUT_WR), (source, socket.SHUT_RD)):
            with contextlib.suppress(OSError):
                sock.shutdown(how)
