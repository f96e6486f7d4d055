# exercise: security.queries
# right: an examiner's answer, written from the statement alone
# a prefix match with substr(email, 1, length(:prefix)); statements chosen from a dict
# by order_by
_FIND_USER = "SELECT id, email, created_at FROM users WHERE email = :email"

# Whole statements, chosen by key: the caller's text never becomes SQL. The prefix is compared
# with substr() rather than LIKE, so %, _ and \ in it are plain characters with no escaping.
_SEARCH_BY_ORDER = {
    "email": (
        "SELECT id, email, created_at FROM users "
        "WHERE substr(email, 1, length(:prefix)) = :prefix ORDER BY email"
    ),
    "created_at": (
        "SELECT id, email, created_at FROM users "
        "WHERE substr(email, 1, length(:prefix)) = :prefix ORDER BY created_at, id"
    ),
}


def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The user whose e-mail is exactly `email`, or None."""
    row = conn.execute(_FIND_USER, {"email": email}).fetchone()
    if row is None:
        return None
    user_id, user_email, created = row
    return User(id=user_id, email=user_email, created_at=created)


def search_users(conn: sqlite3.Connection, prefix: str, order_by: str = "email") -> list[User]:
    """Users whose e-mail starts with `prefix` (taken literally), sorted by `order_by`."""
    statement = _SEARCH_BY_ORDER.get(order_by)
    if statement is None:
        raise ValueError(f"order_by must be one of {sorted(_SEARCH_BY_ORDER)}")
    found: list[User] = []
    for user_id, user_email, created in conn.execute(statement, {"prefix": prefix}):
        found.append(User(id=user_id, email=user_email, created_at=created))
    return found
