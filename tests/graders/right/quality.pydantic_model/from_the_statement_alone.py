# exercise: quality.pydantic_model
# right: an examiner's answer, written from the statement alone
# Annotated aliases with StringConstraints and an AfterValidator for reserved names
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

RESERVED_USERNAMES = frozenset({"admin", "root", "support"})


def _not_reserved(username: str) -> str:
    """Refuse the user names kept for the staff."""
    if username in RESERVED_USERNAMES:
        raise ValueError(f"the user name {username!r} is reserved")
    return username


# strip_whitespace runs before the length and pattern checks; to_lower stores it lower-cased.
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_lower=True,
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    ),
]
Username = Annotated[
    str,
    StringConstraints(min_length=3, max_length=20, pattern=r"^[a-z0-9_]+$"),
    AfterValidator(_not_reserved),
]
Age = Annotated[int, Field(ge=13, le=130)]


class UserInput(BaseModel):
    """A sign-up form as it arrives from the web."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    username: Username
    age: Age
