# exercise: quality.pydantic_model
# right: Field constraints on plain annotations, a mode="before" validator for the email
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

RESERVED_USERNAMES = frozenset({"admin", "root", "support"})


class UserInput(BaseModel):
    """A sign-up form, validated when it is made."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    username: str = Field(min_length=3, max_length=20)
    age: int = Field(ge=13, le=130)

    @field_validator("email", mode="before")
    @classmethod
    def clean_email(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower()
        return value

    @field_validator("username")
    @classmethod
    def check_username(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9_]+", value):
            raise ValueError("only lower-case letters, digits and _ are allowed")
        if value in RESERVED_USERNAMES:
            raise ValueError(f"{value!r} is reserved")
        return value
