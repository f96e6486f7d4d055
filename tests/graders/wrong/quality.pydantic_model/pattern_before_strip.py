# exercise: quality.pydantic_model
# wrong: checks the pattern in Field, then strips and lower-cases in an after-validator
# caught-by: test_pydantic_model_accepts_and_normalises
# hint: normalise_first
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

RESERVED_USERNAMES = frozenset({"admin", "root", "support"})

Username = Annotated[
    str, StringConstraints(min_length=3, max_length=20, pattern=r"^[a-z0-9_]+$")
]


class UserInput(BaseModel):
    """A sign-up form as it arrives from the web, validated at the boundary."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    username: Username
    age: Annotated[int, Field(ge=13, le=130)]

    @field_validator("email")
    @classmethod
    def normalise_email(cls, value: str) -> str:
        return value.strip().lower()

    @field_validator("username")
    @classmethod
    def username_is_not_reserved(cls, value: str) -> str:
        if value in RESERVED_USERNAMES:
            raise ValueError("this username is reserved")
        return value
