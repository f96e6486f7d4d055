# exercise: money.value_object
# right: an examiner's answer, written from the statement alone
# a hand-written immutable class (__slots__, __setattr__ raising), of() exact through
# as_integer_ratio
class CurrencyMismatchError(ValueError):
    """Raised when amounts in two different currencies are combined."""

    def __init__(self, left: str, right: str) -> None:
        self.left = left
        self.right = right
        super().__init__(f"cannot combine {left} with {right}: convert one of them first")

    def __reduce__(self) -> tuple[type[CurrencyMismatchError], tuple[str, str]]:
        return (type(self), (self.left, self.right))


class Money:
    """An amount of one currency, held as a whole number of its minor units.

    A value object written by hand: fields are set once in __init__, every later
    assignment or deletion raises AttributeError, and equality and hashing follow the
    two fields, so equal amounts are interchangeable and work as dict keys.
    """

    __slots__ = ("minor", "currency")

    minor: int  # the amount in the currency's minor unit: cents, yen, fils
    currency: str  # an ISO 4217 code from MINOR_UNIT_EXPONENT

    def __init__(self, minor: int, currency: str) -> None:
        object.__setattr__(self, "minor", minor)
        object.__setattr__(self, "currency", currency)
        self.__post_init__()

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(
                f"minor must be an int count of minor units, not {type(self.minor).__name__}"
            )
        if not isinstance(self.currency, str) or self.currency not in MINOR_UNIT_EXPONENT:
            raise ValueError(f"unknown currency code {self.currency!r}")

    # --- immutability, equality, hashing -------------------------------------------

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Money is immutable: cannot assign to {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Money is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return (self.minor, self.currency) == (other.minor, other.currency)

    def __hash__(self) -> int:
        return hash((Money, self.minor, self.currency))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(minor={self.minor!r}, currency={self.currency!r})"

    def __reduce__(self) -> tuple[type[Money], tuple[int, str]]:
        return (type(self), (self.minor, self.currency))

    # --- conversions -----------------------------------------------------------------

    @classmethod
    def of(cls, amount: str | Decimal | int, currency: str) -> Self:
        """Money from an amount written in major units: Money.of("12.34", "EUR")."""
        if isinstance(amount, bool) or not isinstance(amount, (str, Decimal, int)):
            raise TypeError(
                f"amount must be a str, Decimal or int, not {type(amount).__name__}; "
                "a float has already lost the exact amount"
            )
        if currency not in MINOR_UNIT_EXPONENT:
            raise ValueError(f"unknown currency code {currency!r}")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"not an amount: {amount!r}") from None
        if not value.is_finite():
            raise ValueError(f"not a finite amount: {amount!r}")
        places = MINOR_UNIT_EXPONENT[currency]
        numerator, denominator = value.as_integer_ratio()  # exact, no context rounding
        minor, rest = divmod(numerator * 10**places, denominator)
        if rest:
            raise ValueError(
                f"{amount!r} has more decimal places than {currency} allows ({places}); "
                "round it first"
            )
        return cls(minor, currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, with the currency's number of places."""
        sign, digits, _ = Decimal(self.minor).as_tuple()
        return Decimal((sign, digits, -MINOR_UNIT_EXPONENT[self.currency]))

    # --- arithmetic --------------------------------------------------------------------

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
        """Split by ratios without losing a minor unit, as in money.allocate."""
        weights = list(ratios)
        if not weights:
            raise ValueError("allocate needs at least one ratio")
        for weight in weights:
            if isinstance(weight, bool) or not isinstance(weight, int):
                raise TypeError(f"ratios must be whole numbers, got {weight!r}")
            if weight < 0:
                raise ValueError(f"ratios must not be negative, got {weight}")
        denominator = sum(weights)
        if denominator == 0:
            raise ValueError("at least one ratio must be above zero")
        parts: list[int] = []
        rounded_down: list[int] = []
        for index, weight in enumerate(weights):
            floor_part, remainder = divmod(self.minor * weight, denominator)
            parts.append(floor_part)
            if remainder:
                rounded_down.append(index)
        for index in rounded_down[: self.minor - sum(parts)]:
            parts[index] += 1
        return [Money(part, self.currency) for part in parts]
