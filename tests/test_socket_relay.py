"""The judge's Unix-socket relay: bytes both ways, many connections, nothing left behind.

Proved on real sockets: a small echo server stands in for the database, and a real
PostgreSQL server (when one runs, see tests/postgres_cluster.py) is reached through the
relay from a sandboxed learner process, the way the transactions graders do it.
"""

from __future__ import annotations

import contextlib
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres_cluster import Server
from zendo.judge import Learner
from zendo.judge.sandbox import Sandbox, choose_isolation
from zendo.judge.socket_relay import SocketRelay


@contextlib.contextmanager
def echo_server(path: Path) -> Iterator[list[bytes]]:
    """A Unix-socket server that answers b'echo:' and then every byte it receives."""
    received: list[bytes] = []
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(8)

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.sendall(b"echo:")
            while chunk := conn.recv(65536):
                received.append(chunk)
                conn.sendall(chunk)

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield received
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)
        listener.close()


def talk(path: Path, message: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(5)
        client.connect(str(path))
        client.sendall(message)
        wanted = len(message) + 5
        answer = b""
        while len(answer) < wanted and (chunk := client.recv(65536)):
            answer += chunk
        return answer


def test_relay_copies_bytes_both_ways_for_each_connection(tmp_path: Path) -> None:
    server_path, relay_path = tmp_path / "server.sock", tmp_path / "shared" / "relay.sock"
    with echo_server(server_path) as received, SocketRelay(relay_path, server_path) as relay:
        assert stat.S_IMODE(relay_path.stat().st_mode) == 0o777
        assert talk(relay_path, b"first") == b"echo:first"
        big = bytes(range(256)) * 1000
        assert talk(relay_path, big) == b"echo:" + big
        assert relay.connections == 2
        assert b"first" in received
    assert not relay_path.exists()


def test_closing_the_relay_cuts_open_connections(tmp_path: Path) -> None:
    server_path, relay_path = tmp_path / "server.sock", tmp_path / "relay.sock"
    with echo_server(server_path):
        relay = SocketRelay(relay_path, server_path).start()
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(5)
        client.connect(str(relay_path))
        client.sendall(b"x")
        answer = b""
        while len(answer) < 6 and (chunk := client.recv(100)):
            answer += chunk
        assert answer == b"echo:x"
        relay.close()
        assert client.recv(100) == b""  # the relay ended the connection
        client.close()
        with pytest.raises(FileNotFoundError):  # the socket file is gone
            talk(relay_path, b"late")


def test_a_relay_without_its_server_refuses_connections_and_keeps_listening(
    tmp_path: Path,
) -> None:
    server_path, relay_path = tmp_path / "absent.sock", tmp_path / "relay.sock"
    with SocketRelay(relay_path, server_path) as relay:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(5)
            client.connect(str(relay_path))
            assert client.recv(100) == b""  # accepted, then closed: no server behind it
        with echo_server(server_path):
            assert talk(relay_path, b"now") == b"echo:now"
        assert relay.connections == 1


def test_a_socket_path_too_long_is_refused_with_the_reason(tmp_path: Path) -> None:
    long_path = tmp_path / ("x" * 120) / ".s.PGSQL.5439"
    with pytest.raises(ValueError, match="too long for a Unix socket"):
        SocketRelay(long_path, tmp_path / "server.sock").start()


PROBE = """
import psycopg


def server_version(conninfo):
    with psycopg.connect(conninfo) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def refused(conninfo):
    try:
        psycopg.connect(conninfo).close()
    except psycopg.OperationalError as error:
        return str(error)
    return "connected"
"""


def test_a_sandboxed_process_reaches_postgres_only_through_the_relay(
    postgres_server: Server,
) -> None:
    sandbox = Sandbox("probe_cell", "x = 1\n", isolation=choose_isolation())
    learner = Learner(sandbox=sandbox, budget_seconds=60.0)
    try:
        learner.start()
        probe = learner.define("pg_probe", PROBE)
        inside = f"{sandbox.shared_inside}/pg"
        direct = f"host={postgres_server.socket_dir} port={postgres_server.port} user=postgres"
        # Without the relay, the server's own socket folder is not visible in the sandbox.
        assert "No such file" in probe.call("refused", direct + " dbname=postgres").value
        target = Path(postgres_server.socket_dir) / f".s.PGSQL.{postgres_server.port}"
        with SocketRelay(sandbox.shared / "pg" / ".s.PGSQL.5439", target):
            through = f"host={inside} port=5439 dbname=postgres user=postgres"
            # The socket alone is not enough: every role needs its password.
            assert "password" in probe.call("refused", through).value
            version = probe.call(
                "server_version", f"{through} password={postgres_server.password}"
            ).value
            assert type(version) is str
            assert version.startswith("15")
    finally:
        learner.close()
