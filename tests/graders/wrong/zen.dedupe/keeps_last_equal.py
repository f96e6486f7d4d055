# exercise: zen.dedupe
# wrong: {item: item ...}.values() keeps the last of equal items (1.0 instead of 1)
# caught-by: test_dedupe_keeps_the_first_object
# hint: first_occurrence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    return list({item: item for item in items}.values())
