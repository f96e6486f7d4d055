# exercise: security.queries
# wrong: passes the e-mail itself as the parameters, execute(sql, email): one binding per character
# caught-by: test_find_user_exact
# hint: params_tuple
def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The user whose e-mail is exactly `email`, or None."""
    row = conn.execute("SELECT id, email, created_at FROM users WHERE email = ?", (email)).fetchone()
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
        raise ValueError(f"cannot sort by {order_by!r}; use one of {sorted(statements)}")
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [User(*row) for row in conn.execute(statements[order_by], (escaped + "%",))]
