# exercise: quality.pydantic_model
# right: reusable Annotated types with BeforeValidator and AfterValidator, no decorators
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

RESERVED_USERNAMES = frozenset({"admin", "root", "support"})


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _not_reserved(name: str) -> str:
    if name in RESERVED_USERNAMES:
        raise ValueError(f"the username {name!r} is reserved")
    return name


EmailAddress = Annotated[
    str,
    BeforeValidator(_strip),
    Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(str.lower),
]
Username = Annotated[
    str,
    Field(min_length=3, max_length=20, pattern=r"^[a-z0-9_]+$"),
    AfterValidator(_not_reserved),
]
Age = Annotated[int, Field(ge=13, le=130)]


class UserInput(BaseModel):
    """A sign-up form, validated at the boundary."""

    model_config = ConfigDict(extra="forbid")

    email: EmailAddress
    username: Username
    age: Age
