# exercise: security.transfer_request
# wrong: uses pydantic v1's @validator (deprecated, removed in V3) instead of @field_validator
# caught-by: test_no_pydantic_v1_api
# hint: pydantic_v2_api
from pydantic import validator


class TransferRequest(BaseModel):
    """A money transfer request, validated and normalised at the boundary."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    beneficiary_email: EmailStr
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=140)] = ""

    @validator("currency", pre=True)
    def normalise_currency(cls, value):
        return value.strip().upper() if isinstance(value, str) else value

    @validator("beneficiary_email")
    def lower_case_email(cls, value):
        return value.lower()

    @validator("reference")
    def no_control_characters(cls, value):
        if any(unicodedata.category(character) == "Cc" for character in value):
            raise ValueError("the reference must not contain control characters")
        return value
