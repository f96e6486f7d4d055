# exercise: zen.dedupe
# wrong: list(set(items)) removes duplicates but forgets the order
# caught-by: test_dedupe_keeps_first_seen_order
# hint: keep_order
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    return list(set(items))
