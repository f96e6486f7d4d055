# exercise: security.queries
# right: instr() for the prefix, and the sort done in Python with an allowlist of key functions
from operator import attrgetter

_SORT_KEYS = {"email": attrgetter("email"), "created_at": attrgetter("created_at")}


def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The user whose e-mail is exactly `email`, or None."""
    rows = conn.execute(
        "SELECT id, email, created_at FROM users WHERE email = ?", [email]
    ).fetchall()
    return User(*rows[0]) if rows else None


def search_users(conn: sqlite3.Connection, prefix: str, order_by: str = "email") -> list[User]:
    """Users whose e-mail starts with `prefix` (taken literally), sorted by `order_by`."""
    key = _SORT_KEYS.get(order_by)
    if key is None:
        raise ValueError(f"unknown sort order {order_by!r}")
    rows = conn.execute(
        "SELECT id, email, created_at FROM users WHERE instr(email, ?) = 1 OR ? = ''",
        (prefix, prefix),
    )
    return sorted((User(*row) for row in rows), key=key)
