# exercise: zen.dedupe
# right: a generator yields each new item; dedupe collects it into a list
from collections.abc import Iterator


def _first_sightings(items: Iterable[Hashable]) -> Iterator[Hashable]:
    seen: set[Hashable] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def dedupe(items: Iterable[Hashable]) -> list[Hashable]:
    """The distinct items, each once, in the order they are first seen."""
    return list(_first_sightings(items))
