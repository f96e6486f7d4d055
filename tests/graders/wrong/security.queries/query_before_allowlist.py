# exercise: security.queries
# wrong: runs the query first and checks order_by afterwards (sorting in Python), so SQL runs for a bad order_by
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
    rows = conn.execute(
        "SELECT id, email, created_at FROM users WHERE substr(email, 1, length(?)) = ?",
        (prefix, prefix),
    ).fetchall()
    users = [User(*row) for row in rows]
    if order_by == "email":
        return sorted(users, key=lambda user: user.email)
    if order_by == "created_at":
        return sorted(users, key=lambda user: user.created_at)
    raise ValueError(f"cannot sort by {order_by!r}")
