# exercise: zen.dedupe
# wrong: slices its input to look back at earlier items, which a generator does not allow
# caught-by: test_dedupe_accepts_any_iterable
# hint: one_pass
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def dedupe(items: Iterable[T]) -> list[T]:
    """The distinct items, each once, in the order they are first seen."""
    return [item for index, item in enumerate(items) if item not in items[:index]]  # type: ignore[index]
