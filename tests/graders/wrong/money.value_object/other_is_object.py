# exercise: money.value_object
# wrong: annotates the operand of + and - as object, so mypy accepts Money + Decimal
# caught-by: test_money_client_type_checks
# hint: annotate_other_money
class CurrencyMismatchError(ValueError):
    """Raised when amounts in two different currencies are combined."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine {left} with {right}; convert one of them first")
        self.left = left
        self.right = right


def _places(currency: str) -> int:
    """The number of minor-unit places of currency, or ValueError if it is unknown."""
    if currency not in MINOR_UNITS:
        raise ValueError(f"unknown currency code {currency!r}")
    return MINOR_UNITS[currency]


@dataclass(frozen=True)
class Money:
    """An amount of one currency, held as a whole number of its minor units."""

    minor_units: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor_units, bool) or not isinstance(self.minor_units, int):
            raise TypeError(f"minor_units must be an int, got {self.minor_units!r}")
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
        minor = value.scaleb(_places(currency))
        if not minor.is_finite() or minor != minor.to_integral_value():
            raise ValueError(f"{amount!r} is finer than the minor unit of {currency}")
        return cls(int(minor), currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, with the currency's number of places."""
        return Decimal(self.minor_units).scaleb(-_places(self.currency))

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor_units + other.minor_units, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor_units - other.minor_units, self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.minor_units * factor, self.currency)

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
            share, rest = divmod(self.minor_units * ratio, whole)
            shares.append(share)
            if rest:
                rounded_down.append(index)
        for index in rounded_down[: self.minor_units - sum(shares)]:
            shares[index] += 1
        return [Money(share, self.currency) for share in shares]
