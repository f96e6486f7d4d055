# exercise: money.value_object
# right: a pydantic BaseModel frozen with model_config = ConfigDict(frozen=True), strict fields
from pydantic import BaseModel, ConfigDict, field_validator


class CurrencyMismatchError(ValueError):
    """Raised when amounts in two different currencies are combined."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"{left} and {right} cannot be combined without a conversion")
        self.left = left
        self.right = right


class Money(BaseModel):
    """An amount of one currency, held as a whole number of its minor units."""

    model_config = ConfigDict(frozen=True)

    minor: int
    currency: str

    def __init__(self, minor: int, currency: str) -> None:
        super().__init__(minor=minor, currency=currency)

    @field_validator("minor", mode="before")
    @classmethod
    def _whole_units(cls, value: object) -> object:
        if type(value) is not int:
            raise TypeError(f"minor must be an int, got {type(value).__name__}")
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        if value not in MINOR_UNIT_EXPONENT:
            raise ValueError(f"{value!r} is not a currency code we know")
        return value

    @classmethod
    def of(cls, amount: str | Decimal | int, currency: str) -> Self:
        """Money from an amount written in major units: Money.of("12.34", "EUR")."""
        if isinstance(amount, float | bool) or not isinstance(amount, str | Decimal | int):
            raise TypeError(f"amount must be a str, a Decimal or an int, not {amount!r}")
        if currency not in MINOR_UNIT_EXPONENT:
            raise ValueError(f"{currency!r} is not a currency code we know")
        try:
            major = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"{amount!r} is not an amount") from None
        places = MINOR_UNIT_EXPONENT[currency]
        if not major.is_finite() or major != round(major, places):
            raise ValueError(f"{amount} has more places than {currency} allows ({places})")
        return cls(int(major * 10**places), currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, with the currency's number of places."""
        quantum = Decimal(1).scaleb(-MINOR_UNIT_EXPONENT[self.currency])
        return (Decimal(self.minor) * quantum).quantize(quantum)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if type(factor) is not int:
            return NotImplemented
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split by ratios without losing a minor unit, as in money.allocate."""
        if not ratios or min(ratios) < 0 or sum(ratios) == 0:
            raise ValueError(f"cannot allocate by {list(ratios)}")
        whole = sum(ratios)
        floors = [self.minor * ratio // whole for ratio in ratios]
        inexact = [i for i, ratio in enumerate(ratios) if self.minor * ratio % whole]
        lucky = set(inexact[: self.minor - sum(floors)])
        return [Money(share + (i in lucky), self.currency) for i, share in enumerate(floors)]
