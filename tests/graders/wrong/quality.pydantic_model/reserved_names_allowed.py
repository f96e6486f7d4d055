# exercise: quality.pydantic_model
# wrong: has the constraints but no validator for the reserved usernames
# caught-by: test_pydantic_model_rejects_invalid_fields
# hint: reserved_names
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
