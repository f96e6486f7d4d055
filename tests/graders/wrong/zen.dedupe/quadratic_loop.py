# exercise: zen.dedupe
# wrong: checks `item not in result` on a list, so every check scans the whole list: O(n²)
# caught-by: test_dedupe_is_linear
# hint: linear_time
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    result: list[T] = []
    for item in items:
        if item not in result:
            result.append(item)
    return result
