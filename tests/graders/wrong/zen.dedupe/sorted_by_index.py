# exercise: zen.dedupe
# wrong: sorted(set(items), key=items.index) keeps the order, but index() scans the list
# caught-by: test_dedupe_is_linear
# hint: linear_time
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    as_list = list(items)
    return sorted(set(as_list), key=as_list.index)
