# exercise: money.value_object
# right: a hand-written class with __slots__, whose __setattr__ raises, and its own __eq__ and __hash__
from typing import Any, NoReturn


class CurrencyMismatchError(ValueError):
    """Raised when amounts in two different currencies are combined."""

    def __init__(self, left: str, right: str) -> None:
        self.left = left
        self.right = right
        super().__init__(f"currency mismatch: {left} vs {right}")


class Money:
    """An amount of one currency, held as a whole number of its minor units."""

    __slots__ = ("currency", "minor")
    minor: int
    currency: str

    def __init__(self, minor: int, currency: str) -> None:
        if type(minor) is not int:
            raise TypeError(f"Money needs a whole number of minor units, got {minor!r}")
        if currency not in MINOR_UNIT_EXPONENT:
            raise ValueError(f"unknown ISO 4217 code {currency!r}")
        object.__setattr__(self, "minor", minor)
        object.__setattr__(self, "currency", currency)

    def __setattr__(self, name: str, value: Any) -> NoReturn:
        raise AttributeError(f"Money is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"Money is immutable: cannot delete {name!r}")

    def __repr__(self) -> str:
        return f"Money({self.minor!r}, {self.currency!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return (self.minor, self.currency) == (other.minor, other.currency)

    def __hash__(self) -> int:
        return hash((Money, self.minor, self.currency))

    @classmethod
    def of(cls, amount: str | Decimal | int, currency: str) -> Self:
        """Money from an amount written in major units: Money.of("12.34", "EUR")."""
        if not isinstance(amount, str | Decimal | int) or isinstance(amount, bool):
            raise TypeError(f"use a str, Decimal or int amount, not {type(amount).__name__}")
        if currency not in MINOR_UNIT_EXPONENT:
            raise ValueError(f"unknown ISO 4217 code {currency!r}")
        try:
            minor = Decimal(amount) * 10 ** MINOR_UNIT_EXPONENT[currency]
        except InvalidOperation:
            raise ValueError(f"not a number: {amount!r}") from None
        if not minor.is_finite() or minor % 1 != 0:
            raise ValueError(f"{amount!r} is finer than one minor unit of {currency}")
        return cls(int(minor), currency)

    def to_decimal(self) -> Decimal:
        """The amount in major units, with the currency's number of places."""
        places = MINOR_UNIT_EXPONENT[self.currency]
        return Decimal(self.minor).scaleb(-places)

    def _check(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatchError(self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        if isinstance(other, Money):
            self._check(other)
            return Money(self.minor + other.minor, self.currency)
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if isinstance(other, Money):
            self._check(other)
            return Money(self.minor - other.minor, self.currency)
        return NotImplemented

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, int) and not isinstance(factor, bool):
            return Money(self.minor * factor, self.currency)
        return NotImplemented

    def __rmul__(self, factor: int) -> Money:
        return self * factor

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split by ratios without losing a minor unit, as in money.allocate."""
        if not ratios or any(r < 0 for r in ratios) or not any(ratios):
            raise ValueError("ratios must be non-negative and not all zero")
        total = sum(ratios)
        exact = [(self.minor * r // total, self.minor * r % total != 0) for r in ratios]
        left = self.minor - sum(share for share, _ in exact)
        result = []
        for share, inexact in exact:
            bonus = 1 if inexact and left > 0 else 0
            left -= bonus
            result.append(Money(share + bonus, self.currency))
        return result
