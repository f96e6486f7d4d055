# exercise: security.transfer_request
# right: Annotated types with BeforeValidator/AfterValidator functions, and strip for every str
from pydantic import AfterValidator, BeforeValidator


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _printable(value: str) -> str:
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValueError("control characters are not allowed")
    return value


Currency = Annotated[str, BeforeValidator(_upper), Field(pattern=r"^[A-Z]{3}$")]
Email = Annotated[EmailStr, AfterValidator(str.lower)]
Reference = Annotated[str, Field(max_length=140), AfterValidator(_printable)]


class TransferRequest(BaseModel):
    """A money transfer request, validated and normalised at the boundary."""

    model_config = ConfigDict(
        extra="forbid", hide_input_in_errors=True, str_strip_whitespace=True
    )

    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    currency: Currency
    beneficiary_email: Email
    reference: Reference = ""
