# exercise: zen.dedupe
# wrong: a class with state and three methods for what one expression does
# caught-by: test_dedupe_is_simple
# hint: kiss_budget
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class Deduper(Generic[T]):
    def __init__(self) -> None:
        self.seen: dict[T, None] = {}

    def add(self, item: T) -> None:
        self.seen.setdefault(item, None)

    def result(self) -> list[T]:
        return list(self.seen)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    deduper: Deduper[T] = Deduper()
    for item in items:
        deduper.add(item)
    return deduper.result()
