"""A throwaway PostgreSQL cluster for the test session, on a Unix socket only.

The transactions lesson's async exercise is graded on SQLite and, where a server runs,
on PostgreSQL. This module starts that server for the tests: `initdb` in a temporary
folder (as the `postgres` user when the tests run as root, because initdb refuses
root), `listen_addresses=''` so there is no TCP port at all, and `pg_hba.conf` asking
every role for its password (scram-sha-256), so a learner's process that reaches the
socket through the graders' relay can use only the role and database it was given.

The graders find the server through one environment variable, `ZENDO_POSTGRES_SERVER`
(JSON: socket folder, port, admin user and password), which the judge process inherits.
Without it they grade on SQLite only.

The switch (`ZENDO_REQUIRE_POSTGRES`): `make test` sets it, so in CI a missing or broken
server is a test failure that names the fix; without it (a learner's machine) the tests
that need PostgreSQL are skipped with `SKIP_REASON`, and the rest runs on SQLite.

Fixtures (imported by tests/conftest.py):
    postgres_server   the running server, or a skip (a failure when it is required)
Usage by hand:
    python -m tests.postgres_cluster      # start one, print its settings, stop it
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

REQUIRE_ENV = "ZENDO_REQUIRE_POSTGRES"
SERVER_ENV = "ZENDO_POSTGRES_SERVER"
BIN_ENV = "ZENDO_POSTGRES_BIN"  # a bin folder to use instead of /usr/lib/postgresql/*/bin
SKIP_REASON = "no PostgreSQL server here: the async transfer was graded on SQLite only"
INSTALL_FIX = "run `make test` as root, or `sudo apt-get install -y postgresql`"
PORT = 5439
HBA = (
    "# written by tests/postgres_cluster.py: Unix socket only, a password for every role\n"
    "local all all scram-sha-256\n"
)


@dataclass(frozen=True)
class Server:
    """Where the throwaway server listens, and its superuser's password."""

    socket_dir: str
    port: int
    user: str
    password: str

    def conninfo(self, dbname: str = "postgres") -> str:
        return (
            f"host={self.socket_dir} port={self.port} user={self.user} "
            f"password={self.password} dbname={dbname}"
        )

    def to_env(self) -> str:
        return json.dumps(asdict(self))


def find_bin_dir() -> Path | None:
    """PostgreSQL's server programs: $ZENDO_POSTGRES_BIN, else the newest Debian install."""
    chosen = os.environ.get(BIN_ENV)
    candidates = (
        [Path(chosen)]
        if chosen
        else sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
    )
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


@contextlib.contextmanager
def throwaway_cluster(bin_dir: Path) -> Iterator[Server]:
    """Start a fresh cluster on a Unix socket in a temporary folder; stop and delete it after."""
    folder = Path(tempfile.mkdtemp(prefix="zendo-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    password = secrets.token_hex(16)
    data = folder / "data"
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n", encoding="utf-8")
    if as_user:
        shutil.chown(pwfile, "postgres", "postgres")
    started = False
    try:
        _run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
              "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--locale=C.UTF-8"])  # fmt: skip
        pwfile.unlink()
        (data / "pg_hba.conf").write_text(HBA, encoding="utf-8")
        options = f"-k {folder} -c listen_addresses='' -p {PORT} -c max_connections=200"
        _run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
              "-l", str(folder / "log"), "start"])  # fmt: skip
        started = True
        yield Server(str(folder), PORT, "postgres", password)
    finally:
        if started:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(
            f"{Path(command[command.index('--') + 1] if '--' in command else command[0]).name} "
            f"failed (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-500:]}"
        )


@pytest.fixture(scope="session")
def _postgres_session() -> Iterator[Server | str]:
    """The session's server, or the reason there is none; exported in SERVER_ENV."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        yield f"PostgreSQL's initdb was not found in {os.environ.get(BIN_ENV) or '/usr/lib/postgresql/*/bin'}"
        return
    try:
        cluster = throwaway_cluster(bin_dir)
        server = cluster.__enter__()
    except (OSError, RuntimeError) as error:
        yield f"the throwaway PostgreSQL cluster did not start: {error}"
        return
    previous = os.environ.get(SERVER_ENV)
    os.environ[SERVER_ENV] = server.to_env()
    try:
        yield server
    finally:
        if previous is None:
            os.environ.pop(SERVER_ENV, None)
        else:
            os.environ[SERVER_ENV] = previous
        cluster.__exit__(None, None, None)


def server_or_skip(found: Server | str) -> Server:
    """The server; without one, a failure naming the fix when required, else a skip."""
    if isinstance(found, Server):
        return found
    if required():
        pytest.fail(f"{REQUIRE_ENV} is set but {found}: {INSTALL_FIX}.", pytrace=False)
    pytest.skip(SKIP_REASON)


@pytest.fixture
def postgres_server(_postgres_session: Server | str) -> Server:
    return server_or_skip(_postgres_session)


@pytest.fixture(autouse=True)
def _postgres_for_transactions(request: pytest.FixtureRequest) -> None:
    """Tests of the transactions lesson grade on PostgreSQL too when a server can run.

    Only they start the cluster (about 2 s). Without a server they still run, on SQLite
    only, unless the server is required.
    """
    if "transactions" in request.node.nodeid:
        found = request.getfixturevalue("_postgres_session")
        if not isinstance(found, Server) and required():
            server_or_skip(found)


if __name__ == "__main__":
    folder = find_bin_dir()
    if folder is None:
        raise SystemExit(f"{SKIP_REASON} ({INSTALL_FIX})")
    with throwaway_cluster(folder) as running:
        print(running.conninfo())
