# exercise: zen.dedupe
# wrong: returns the dict's keys view instead of a list
# caught-by: test_dedupe_keeps_first_seen_order
# hint: return_list
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    return dict.fromkeys(items).keys()  # type: ignore[return-value]
