# exercise: quality.pydantic_model
# wrong: keeps constr(...) in the annotations and hides mypy's errors with type: ignore
# caught-by: test_pydantic_model_passes_mypy_strict
# hint: no_silencing
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, constr, field_validator

RESERVED_USERNAMES = frozenset({"admin", "root", "support"})


class UserInput(BaseModel):
    """A sign-up form as it arrives from the web, validated at the boundary."""

    model_config = ConfigDict(extra="forbid")

    email: constr(  # type: ignore[valid-type]
        strip_whitespace=True,
        to_lower=True,
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    )
    username: constr(min_length=3, max_length=20, pattern=r"^[a-z0-9_]+$")  # type: ignore[valid-type]
    age: Annotated[int, Field(ge=13, le=130)]

    @field_validator("username")
    @classmethod
    def username_is_not_reserved(cls, value: str) -> str:
        if value in RESERVED_USERNAMES:
            raise ValueError("this username is reserved")
        return value
