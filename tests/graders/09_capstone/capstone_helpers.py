"""Judge-side helpers the capstone's graders share: the gateway, the service, the database.

Everything here runs in the trusted judge. Each sandbox gets its own scripted gateway
(`zendo.judge.gateway.FlakyGateway`) on a Unix socket in its shared folder; the
learner's app is built and served once per sandbox (capstone_rig.serve) on another
socket there, and the judge calls it over real HTTP with the standard library's client
(httpx and httpcore cost the judge 50 to 100 ms to import and set up, in every check,
and this client's TLS set-up loaded the CA bundle besides). The payments
database is a SQLite file in the same folder, which the judge opens with its own
connection after refusing symlinks. Waits and log records come back from the rig as
plain data and are checked for shape before any comparison.
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import stat
import weakref
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capstone_rig import rig

from zendo.judge import Handle, Learner, fail
from zendo.judge.gateway import FlakyGateway
from zendo.judge.served_app import post_json

# The real-timeout gates. Only the wait for the gateway's answer is cut short (the read
# timeout; connecting and sending keep LONG_TIMEOUT, so a loaded machine cannot time
# them out): the slow step answers after SLOW_DELAY, four hundred times later, so every
# attempt that meets it times out, and its wait is all the check spends on it.
# - A slow gateway (every step slow): the learner's GATEWAY_TIMEOUT reads CUT_OFF_TIMEOUT.
# - A slow step followed by quick ones (a client's retry after a timeout): the rig's
#   transport cuts the read of the slow attempt alone to CUT_OFF_TIMEOUT, and the quick
#   attempts after it keep LONG_TIMEOUT, so they never have to race a short timeout.
CUT_OFF_TIMEOUT = 0.005
SLOW_DELAY = 2.0
# Every other request gets a generous timeout, so a loaded machine never times one out.
LONG_TIMEOUT = 10.0
GATEWAY_SOCKET = "gateway.sock"
APP_SOCKET = "app.sock"
DATABASE = "payments.db"
CALL_SECONDS = 30.0  # the judge's own limit on one HTTP call to the learner's service
MAX_BODY = 1_000_000  # bytes of an answer the judge reads

RECIPIENT = "9b2f4c1e-0c7a-4d53-8d2e-3f0a61f2c9aa"
EMAIL = "ada.lovelace@example.org"
BODY = {"amount": "19.99", "currency": "EUR", "recipient_id": RECIPIENT, "customer_email": EMAIL}


@dataclass(frozen=True)
class Answer:
    """What the learner's service answered: status, JSON body (or None) and raw text."""

    status: int
    body: Any
    text: str

    def shown(self) -> str:
        return f"{self.status} {self.text[:300]}"

    def error_type(self) -> object:
        error = self.body.get("error") if type(self.body) is dict else None
        return error.get("type") if type(error) is dict else None

    def is_envelope(self, status: int, kind: str, *, retryable: bool) -> bool:
        """The answer is `status` with {"error": {"type": kind, "message", "retryable"}}."""
        error = self.body.get("error") if type(self.body) is dict else None
        return (
            self.status == status
            and type(error) is dict
            and error.get("type") == kind
            and type(error.get("message")) is str
            and bool(error["message"].strip())
            and error.get("retryable") is retryable
        )


@dataclass
class Service:
    """One sandbox's gateway and served app (its socket, on the judge's side)."""

    gateway: FlakyGateway
    app_socket: str
    helper: Handle
    module: Handle


_SERVICES: weakref.WeakKeyDictionary[Handle, Service] = weakref.WeakKeyDictionary()


def service(learner: Learner) -> Service:
    """This sandbox's gateway and running service, started on first use."""
    helper, module = rig(learner)
    served = _SERVICES.get(module)
    if served is not None:
        return served
    shared = learner.sandbox.shared
    gateway = FlakyGateway(shared / GATEWAY_SOCKET, delay=SLOW_DELAY)
    try:
        started = helper.call(
            "serve",
            module,
            learner.inside(GATEWAY_SOCKET),
            learner.inside(APP_SOCKET),
            learner.inside(DATABASE),
            LONG_TIMEOUT,
        ).value
    except BaseException:
        gateway.close()  # build_app raised (the starter's NotImplementedError, say)
        raise
    if type(started) is not dict or started.get("started") is not True:
        gateway.close()
        what = started if type(started) is dict else {}
        raised = what.get("raised")
        fail(
            "The grader could not start your service: build_app(gateway_url, database, "
            f"transport) {'raised ' + str(raised) + ': ' if raised else 'failed: '}"
            f"{what.get('message', 'no app came back')}.",
            hint="service_starts",
        )
    served = _SERVICES[module] = Service(gateway, str(shared / APP_SOCKET), helper, module)
    weakref.finalize(module, gateway.close)
    return served


def pay(learner: Learner, body: object, key: str | None) -> Answer:
    """POST /payments to the learner's service, with the key as Idempotency-Key."""
    served = service(learner)
    headers = {} if key is None else {"Idempotency-Key": key}
    try:
        status, _, data = post_json(
            served.app_socket, "/payments", body, headers, timeout=CALL_SECONDS, limit=MAX_BODY
        )
    except (OSError, http.client.HTTPException) as error:
        fail(
            f"POST /payments got no answer from your service ({type(error).__name__}); "
            "it must answer every request, even when the gateway fails.",
            hint="service_starts",
        )
    text = data.decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        parsed = None
    return Answer(status, parsed, text)


def set_timeout(learner: Learner, seconds: float, *, read: float | None = None) -> None:
    """Set the learner's GATEWAY_TIMEOUT (their code reads it when it sends): `seconds` for
    every phase, or `read` for the wait for the answer."""
    served = service(learner)
    served.helper.call("set_timeout", served.module, seconds, read).value  # noqa: B018


def cut_next_read(learner: Learner, seconds: float | None) -> None:
    """Cut the read timeout of the service's next gateway POST to `seconds` (a timeout of
    None stays None); the requests after it keep the learner's own timeouts. None: no cut."""
    service(learner).helper.call("cut_next_read", seconds).value  # noqa: B018


def taken(learner: Learner) -> tuple[list[float], list[dict[str, Any]]]:
    """The waits and log records since the last look, checked for shape."""
    served = service(learner)
    got = served.helper.call("taken").value
    waits = got.get("waits") if type(got) is dict else None
    records = got.get("records") if type(got) is dict else None
    if type(waits) is not list or not all(type(wait) is float for wait in waits):
        fail("The grader could not read back the waits between attempts.")
    if type(records) is not list or not all(type(record) is dict for record in records):
        fail("The grader could not read back the log records.")
    return waits, records


def refuse_symlinks(shared: Path) -> None:
    """Fail when the shared folder holds a symlink: sqlite3 would follow it (its journal too)."""
    for entry in shared.iterdir():
        if entry.is_symlink():
            fail(
                f"The shared folder holds a symlink ({entry.name}); the grader will not follow it."
            )


def database_path(learner: Learner) -> Path:
    """The payments database, refused if anything in the shared folder is a symlink."""
    shared = learner.sandbox.shared
    refuse_symlinks(shared)
    path = shared / DATABASE
    if path.is_symlink() or not path.exists() or not stat.S_ISREG(path.lstat().st_mode):
        fail(
            f"Your service wrote no database file at {learner.inside(DATABASE)}: open it "
            "with open_database(database), the path build_app was given.",
            hint="one_transaction",
        )
    return path


def query(learner: Learner, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows from the learner's database, read with the judge's own connection."""
    path = database_path(learner)
    try:
        with closing(sqlite3.connect(path, timeout=5, isolation_level=None)) as connection:
            return connection.execute(sql, params).fetchall()
    except sqlite3.Error as error:
        fail(
            f"The grader could not read the payments database ({error}); keep the tables "
            "of the setup cell's SCHEMA as they are.",
            hint="one_transaction",
        )


def execute(learner: Learner, sql: str) -> None:
    """Change the learner's database from the judge's side (a trigger, for failure tests)."""
    path = database_path(learner)
    with closing(sqlite3.connect(path, timeout=5, isolation_level=None)) as connection:
        connection.execute("PRAGMA synchronous = OFF")  # a scratch file: no wait for the disk
        connection.execute(sql)


def payments_with_key(
    learner: Learner, key: str, *, before_any: bool = False
) -> list[tuple[Any, ...]]:
    """(id, amount_cents, currency, charge_id) of every payment stored under `key`.

    `before_any`: the service may not have opened its database yet (no payment made so
    far), and then there is no row.
    """
    shared = learner.sandbox.shared
    if before_any and not (shared / DATABASE).exists():
        refuse_symlinks(shared)
        return []
    return query(
        learner,
        "SELECT id, amount_cents, currency, charge_id FROM payments WHERE idempotency_key = ?",
        key,
    )


def shown_body(body: object) -> str:
    return json.dumps(body)
