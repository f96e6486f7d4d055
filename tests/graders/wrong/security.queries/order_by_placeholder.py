# exercise: security.queries
# wrong: binds the column name as a parameter; SQLite then sorts by a constant string
# caught-by: test_order_by_allowlist
# hint: identifier_allowlist
def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The user whose e-mail is exactly `email`, or None."""
    row = conn.execute(
        "SELECT id, email, created_at FROM users WHERE email = ?", (email,)
    ).fetchone()
    return None if row is None else User(*row)


def search_users(conn: sqlite3.Connection, prefix: str, order_by: str = "email") -> list[User]:
    """Users whose e-mail starts with `prefix` (taken literally), sorted by `order_by`."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute(
        "SELECT id, email, created_at FROM users WHERE email LIKE ? ESCAPE '\\' ORDER BY ?",
        (escaped + "%", order_by),
    )
    return [User(*row) for row in rows]
