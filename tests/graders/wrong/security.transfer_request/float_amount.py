# exercise: security.transfer_request
# wrong: the amount is a float, so 19.999 is accepted and binary rounding gets in
# caught-by: test_amount_rules
# hint: decimal_amount
class TransferRequest(BaseModel):
    """A money transfer request, validated and normalised at the boundary."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    amount: Annotated[float, Field(gt=0, lt=10_000_000_000)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    beneficiary_email: EmailStr
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=140)] = ""

    @field_validator("currency", mode="before")
    @classmethod
    def normalise_currency(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

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
