# exercise: zen.dedupe
# wrong: a dense one-liner whose condition fills `seen` as a side effect of `or`
# caught-by: test_dedupe_is_simple
# hint: dense_comprehension
def dedupe(items: Iterable[Hashable]) -> list[Hashable]:
    """The distinct items, each once, in the order they are first seen."""
    seen: set[Hashable] = set()
    return [x for x in items if not (x in seen or seen.add(x))]
