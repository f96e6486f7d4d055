# exercise: security.queries
# wrong: escapes % and _ but not the escape character itself, so a backslash in the prefix is lost
# caught-by: test_search_prefix_is_literal
# hint: like_escape
def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The user whose e-mail is exactly `email`, or None."""
    row = conn.execute(
        "SELECT id, email, created_at FROM users WHERE email = ?", (email,)
    ).fetchone()
    return None if row is None else User(*row)


def search_users(conn: sqlite3.Connection, prefix: str, order_by: str = "email") -> list[User]:
    """Users whose e-mail starts with `prefix` (taken literally), sorted by `order_by`."""
    statements = {
        "email": (
            "SELECT id, email, created_at FROM users "
            "WHERE email LIKE ? ESCAPE '\\' ORDER BY email"
        ),
        "created_at": (
            "SELECT id, email, created_at FROM users "
            "WHERE email LIKE ? ESCAPE '\\' ORDER BY created_at"
        ),
    }
    if order_by not in statements:
        raise ValueError(f"cannot sort by {order_by!r}")
    escaped = prefix.replace("%", "\\%").replace("_", "\\_")
    return [User(*row) for row in conn.execute(statements[order_by], (escaped + "%",))]
