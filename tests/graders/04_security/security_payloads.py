"""The security graders' attack payloads and the real things they aim at.

Shared by the graders and by tests/test_security_payloads.py, which proves that each
payload fails against the reference and works against a known wrong answer. The judge
makes the SQLite file and the files in the sandbox's shared folder, and reads them back
itself.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3

from zendo.judge import Handle, Learner

DB_NAME = "users.db"
# The graders' own copy of the setup cell's USERS_SCHEMA: nothing expected comes from the learner.
SCHEMA = (
    "CREATE TABLE users ("
    "id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)"
)
USERS = [
    (1, "alice@example.com", "2026-01-05"),
    (2, "admin@example.com", "2026-01-01"),
    (3, "o'brien@example.com", "2026-02-11"),
    (4, "a_b@example.com", "2026-03-02"),
    (5, "axb@example.com", "2026-03-09"),
    (6, "50%off@example.com", "2026-04-01"),
    (7, "50xoff@example.com", "2026-04-02"),
    (8, "c\\d@example.com", "2026-05-01"),
    (9, "cd@example.com", "2026-05-02"),
]
FIND_PAYLOADS = [
    "' OR '1'='1",
    "nobody@example.com' OR '1'='1",
    "x' UNION SELECT 1, sqlite_version(), 3 --",
    "x'; DROP TABLE users; --",
]
SEARCH_PAYLOADS = ["zzz' OR 1=1 --", "x'; DROP TABLE users; --"]
BAD_ORDERS = ["id", "EMAIL", "email; DROP TABLE users", "created_at DESC"]

# Runs in the sandbox beside the learner's code, which could change it: it holds no
# expected value, only a connection that records the statements it runs.
TRACER = """\
import sqlite3


class Traced:
    def __init__(self, path):
        self.statements = []
        self.conn = sqlite3.connect(path)
        self.conn.set_trace_callback(self.statements.append)
"""

Row = tuple[int, str, str]


def fresh_database(learner: Learner) -> Handle:
    """A new users.db in the shared folder, and a traced connection to it in the sandbox."""
    path = learner.sandbox.shared / DB_NAME
    path.unlink(missing_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as setup:
        setup.execute(SCHEMA)
        setup.executemany("INSERT INTO users VALUES (?, ?, ?)", USERS)
        setup.commit()
    tracer = learner.define("security_sql_tracer", TRACER)
    return tracer.keep("Traced", learner.inside(DB_NAME)).handle


def connection(traced: Handle) -> Handle:
    return traced.get("conn").handle


YAML_PAYLOADS = [
    "!!python/object/apply:builtins.print ['SENTINEL-YAML']",
    "!!python/object/apply:os.system ['touch MARKER_PATH']",  # the marker's path inside
    "config: !!python/name:os.system",
]
SHELL_PATTERNS = ["x; touch p1", "$(touch p2)", "`touch p3`"]
SHELL_FILE_NAMES = ["notes $(touch p4).txt", "notes; touch p5.txt"]
MARKER = "pwned-by-yaml"
SHELL_MARKS = re.compile(r"p\d(\.txt)?")


def in_shared(learner: Learner) -> None:
    """Run the sandbox's next calls from the shared folder, which the judge can list."""
    learner.stdlib("os").call("chdir", learner.sandbox.shared_inside).value  # noqa: B018


def shared_path(learner: Learner, name: str, text: str | None = None) -> Handle:
    """A `Path` in the sandbox to file `name` of the shared folder, written first if text."""
    if text is not None:
        (learner.sandbox.shared / name).write_text(text)
    path_class = learner.stdlib("pathlib").get("Path").handle
    return path_class.invoke(learner.inside(name)).handle
