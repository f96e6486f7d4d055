# exercise: money.value_object
# wrong: assumes every currency has two decimal places (wrong for JPY and KWD)
# caught-by: test_money_uses_each_currency_minor_units
# hint: currency_exponent
class CurrencyMismatchError(ValueError):
    """Raised when amounts in two different currencies are combined."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine {left} with {right}; convert one of them first")
        self.left = left
        self.right = right


def _places(currency: str) -> int:
    """Every currency has cents."""
    if currency not in MINOR_UNIT_EXPONENT:
        raise ValueError(f"unknown currency code {currency!r}")
    return 2


@dataclass(frozen=True)
class Money:
    """An amount of one currency, held as a whole number of its minor units."""

    minor: int  # the amount in the currency's minor unit: cents, yen, fils
    currency: str  # an ISO 4217 code from MINOR_UNIT_EXPONENT

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"minor must be an int, got {self.minor!r}")
        _places(self.currency)

    @classmethod
    def of(cls, amount: str | Decimal | int, currency: str) -> Self:
        """Money from an amount written in major units: Money.of("12.34", "EUR")."""
        if isinstance(amount, bool) or not isinstance(amount, str | Decimal | int):
            raise TypeError(f"amount must be a str, Decimal or int, got {amount!r}")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"{amount!r} is not a number") from None
        scaled = value.scaleb(_places(currency))
        if not scaled.is_finite() or scaled != scaled.to_integral_value():
            raise ValueError(f"{amount!r} is finer than the minor unit of {currency}")
        return cls(int(scaled), currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, with the currency's number of places."""
        return Decimal(self.minor).scaleb(-_places(self.currency))

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.minor * factor, self.currency)

    def __rmul__(self, factor: int) -> Money:
        return self.__mul__(factor)

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split by ratios without losing a minor unit (Fowler's allocate)."""
        if not ratios or any(ratio < 0 for ratio in ratios) or sum(ratios) == 0:
            raise ValueError(f"ratios must be non-negative and not all zero, got {list(ratios)!r}")
        whole = sum(ratios)
        shares: list[int] = []
        rounded_down: list[int] = []
        for index, ratio in enumerate(ratios):
            share, rest = divmod(self.minor * ratio, whole)
            shares.append(share)
            if rest:
                rounded_down.append(index)
        for index in rounded_down[: self.minor - sum(shares)]:
            shares[index] += 1
        return [Money(share, self.currency) for share in shares]
