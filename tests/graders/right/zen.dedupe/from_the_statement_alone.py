# exercise: zen.dedupe
# right: an examiner's answer, written from the statement alone
# list(dict.fromkeys(items))
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    # A dict keeps its keys in insertion order, and for equal keys it keeps the first.
    return list(dict.fromkeys(items))
