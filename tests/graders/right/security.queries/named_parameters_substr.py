# exercise: security.queries
# right: named parameters, a prefix compared with substr (no wildcards at all), match for the order
def find_user(conn: sqlite3.Connection, email: str) -> User | None:
    """The user whose e-mail is exactly `email`, or None."""
    cursor = conn.execute(
        "SELECT id, email, created_at FROM users WHERE email = :email", {"email": email}
    )
    match cursor.fetchone():
        case (user_id, found_email, created_at):
            return User(id=user_id, email=found_email, created_at=created_at)
        case _:
            return None


def search_users(conn: sqlite3.Connection, prefix: str, order_by: str = "email") -> list[User]:
    """Users whose e-mail starts with `prefix` (taken literally), sorted by `order_by`."""
    match order_by:
        case "email":
            sql = (
                "SELECT id, email, created_at FROM users "
                "WHERE substr(email, 1, length(:prefix)) = :prefix ORDER BY email"
            )
        case "created_at":
            sql = (
                "SELECT id, email, created_at FROM users "
                "WHERE substr(email, 1, length(:prefix)) = :prefix ORDER BY created_at"
            )
        case _:
            raise ValueError(f"order_by must be 'email' or 'created_at', not {order_by!r}")
    return [User(*row) for row in conn.execute(sql, {"prefix": prefix})]
