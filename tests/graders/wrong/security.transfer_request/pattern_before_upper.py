# exercise: security.transfer_request
# wrong: expects to_upper to run before the pattern; it runs after, so " eur " is refused
# caught-by: test_currency_is_normalised_then_checked
# hint: pattern_runs_first
class TransferRequest(BaseModel):
    """A money transfer request, validated and normalised at the boundary."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    currency: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{3}$")
    ]
    beneficiary_email: EmailStr
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=140)] = ""

    @field_validator("beneficiary_email")
    @classmethod
    def lower_case_email(cls, value: str) -> str:
        return value.lower()

    @field_validator("reference")
    @classmethod
    def no_control_characters(cls, value: str) -> str:
        if any(unicodedata.category(character) == "Cc" for character in value):
            raise ValueError("the reference must not contain control characters")
        return value
