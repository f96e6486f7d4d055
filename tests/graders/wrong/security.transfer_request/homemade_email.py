# exercise: security.transfer_request
# wrong: checks the e-mail with "@" in value, which accepts a@b and .@-.x
# caught-by: test_email_rules
# hint: use_emailstr
class TransferRequest(BaseModel):
    """A money transfer request, validated and normalised at the boundary."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    beneficiary_email: str
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=140)] = ""

    @field_validator("currency", mode="before")
    @classmethod
    def normalise_currency(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("beneficiary_email")
    @classmethod
    def check_email(cls, value: str) -> str:
        if "@" not in value:
            raise ValueError("an e-mail address needs an @")
        return value.strip().lower()

    @field_validator("reference")
    @classmethod
    def no_control_characters(cls, value: str) -> str:
        if any(unicodedata.category(character) == "Cc" for character in value):
            raise ValueError("the reference must not contain control characters")
        return value
