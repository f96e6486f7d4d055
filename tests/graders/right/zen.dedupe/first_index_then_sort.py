# exercise: zen.dedupe
# right: records the index where each item is first seen, then orders the keys by that index
def dedupe(items: Iterable[Hashable]) -> list[Hashable]:
    """The distinct items, each once, in the order they are first seen."""
    first_index: dict[Hashable, int] = {}
    for index, item in enumerate(items):
        first_index.setdefault(item, index)
    return sorted(first_index, key=first_index.__getitem__)
