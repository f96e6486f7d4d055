# exercise: security.transfer_request
# right: one before-model validator normalises the raw dict; email-validator is called directly
import re

from email_validator import EmailNotValidError, validate_email
from pydantic import model_validator

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class TransferRequest(BaseModel):
    """A money transfer request, validated and normalised at the boundary."""

    model_config = {"extra": "forbid", "hide_input_in_errors": True}

    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    beneficiary_email: str
    reference: str = Field(default="", max_length=140)

    @model_validator(mode="before")
    @classmethod
    def normalise(cls, data: object) -> object:
        if isinstance(data, dict):
            data = dict(data)
            for key in ("currency", "beneficiary_email", "reference"):
                if isinstance(data.get(key), str):
                    data[key] = data[key].strip()
            if isinstance(data.get("currency"), str):
                data["currency"] = data["currency"].upper()
        return data

    @field_validator("beneficiary_email")
    @classmethod
    def real_address(cls, value: str) -> str:
        try:
            address = validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            raise ValueError("not a valid e-mail address") from None
        return address.normalized.lower()

    @field_validator("reference")
    @classmethod
    def printable(cls, value: str) -> str:
        if _CONTROL.search(value):
            raise ValueError("control characters are not allowed")
        return value
