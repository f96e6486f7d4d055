# exercise: quality.pydantic_model
# wrong: rejects reserved names with the deprecated v1 @validator
# caught-by: test_pydantic_model_passes_mypy_strict
# hint: v1_validator
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, validator

RESERVED_USERNAMES = frozenset({"admin", "root", "support"})

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
    str, StringConstraints(min_length=3, max_length=20, pattern=r"^[a-z0-9_]+$")
]


class UserInput(BaseModel):
    """A sign-up form as it arrives from the web, validated at the boundary."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    username: Username
    age: Annotated[int, Field(ge=13, le=130)]

    @validator("username")
    @classmethod
    def username_is_not_reserved(cls, value: str) -> str:
        if value in RESERVED_USERNAMES:
            raise ValueError("this username is reserved")
        return value
