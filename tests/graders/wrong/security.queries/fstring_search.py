# exercise: security.queries
# wrong: escapes the LIKE wildcards by hand but pastes the prefix into the SQL, quotes and all
# caught-by: test_search_prefix_is_literal
# hint: parameterise
def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The user whose e-mail is exactly `email`, or None."""
    row = conn.execute(
        "SELECT id, email, created_at FROM users WHERE email = ?", (email,)
    ).fetchone()
    return None if row is None else User(*row)


def search_users(conn: sqlite3.Connection, prefix: str, order_by: str = "email") -> list[User]:
    """Users whose e-mail starts with `prefix` (taken literally), sorted by `order_by`."""
    if order_by not in ("email", "created_at"):
        raise ValueError(f"cannot sort by {order_by!r}")
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = (
        "SELECT id, email, created_at FROM users "
        f"WHERE email LIKE '{escaped}%' ESCAPE '\\' ORDER BY {order_by}"
    )
    return [User(*row) for row in conn.execute(sql)]
