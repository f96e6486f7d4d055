# exercise: security.transfer_request
# right: an examiner's answer, written from the statement alone
# Annotated Field constraints with before and after validators, EmailStr
def _strip_if_text(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class TransferRequest(BaseModel):
    """A money transfer request, validated and normalised at the boundary."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    beneficiary_email: EmailStr
    reference: Annotated[str, Field(max_length=140)] = ""

    @field_validator("currency", mode="before")
    @classmethod
    def _normalise_currency(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("beneficiary_email", "reference", mode="before")
    @classmethod
    def _trim(cls, value: object) -> object:
        return _strip_if_text(value)

    @field_validator("beneficiary_email")
    @classmethod
    def _lower_whole_address(cls, value: str) -> str:
        return value.lower()

    @field_validator("reference")
    @classmethod
    def _no_control_characters(cls, value: str) -> str:
        for char in value:
            if unicodedata.category(char) == "Cc":
                raise ValueError("the reference must not contain control characters")
        return value
