# exercise: zen.dedupe
# right: the classic loop with a `seen` set and an output list, no dict
def dedupe(items: Iterable[Hashable]) -> list[Hashable]:
    """The distinct items, each once, in the order they are first seen."""
    seen = set()
    result = []
    for item in items:
        if item not in seen:
            seen.add(item)
            result.append(item)
    return result
