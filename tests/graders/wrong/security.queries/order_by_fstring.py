# exercise: security.queries
# wrong: pastes order_by into the SQL without an allowlist
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
    sql = (
        "SELECT id, email, created_at FROM users WHERE email LIKE ? ESCAPE '\\' "
        f"ORDER BY {order_by}"
    )
    return [User(*row) for row in conn.execute(sql, (escaped + "%",))]
