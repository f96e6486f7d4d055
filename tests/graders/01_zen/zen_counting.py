"""Work-counting items for zen.dedupe, and how the judge uses them: one pass or many?

A quadratic dedupe spends its time inside C code (`list.index`, `in` on a list), where no
time limit stops it early, so the graders first count its `==` comparisons on items that
count them. Those items must be objects of a class, so they are built in the sandbox by
the helper code below (`Learner.define`). That code runs beside the learner's and holds no
expected value: what it counts is what the learner's own code did, and the expected
result is compared here, in the judge.
"""

from __future__ import annotations

from zendo.judge import Handle, Learner, TooSlow, a_kind, expect, show

# Sent into the sandbox as a module of its own: visible to the learner's code.
COUNTING_SOURCE = '''\
class TooMuchWork(BaseException):
    """Stops a dedupe that does far more work than one pass needs."""


class Tally:
    """How many == comparisons a dedupe made, and how many it may make."""

    def __init__(self, budget):
        self.budget = budget
        self.comparisons = 0


class Counted:
    """An item that counts the == comparisons made on it, and stops past the budget."""

    def __init__(self, value, tally):
        self.value = value
        self.tally = tally

    def __hash__(self):
        return hash(self.value)

    def __eq__(self, other):
        self.tally.comparisons += 1
        if self.tally.comparisons > self.tally.budget:
            raise TooMuchWork
        return isinstance(other, Counted) and self.value == other.value

    def __repr__(self):
        return f"Counted({self.value})"


def counted_items(distinct, budget):
    """Each of `distinct` values twice, as Counted items sharing one tally."""
    tally = Tally(budget)
    return [Counted(n % distinct, tally) for n in range(2 * distinct)]


def values(result):
    """The values of the items a dedupe returned, in order; None when it is not a list."""
    if not isinstance(result, list):
        return None
    return [item.value if type(item) is Counted else repr(item) for item in result]


def repeated_range(count, times):
    """list(range(count)) * times, built here rather than sent item by item."""
    return list(range(count)) * times
'''
HELPER_MODULE = "zen_counting_items"


class Shown:
    """A value that shows as the given text in a message (a repr the judge writes)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def helpers(learner: Learner) -> Handle:
    return learner.define(HELPER_MODULE, COUNTING_SOURCE)


def check_comparisons(learner: Learner) -> None:
    """dedupe must not compare each item with many others: count its == comparisons."""
    distinct = 2000
    budget = 20 * distinct
    made = helpers(learner)
    items = made.keep("counted_items", distinct, budget).handle
    items.origin = f"[{distinct * 2:,} counted items]"
    observed = learner.keep("dedupe", items)
    raised = observed.raised
    expect(
        raised is None or not raised.is_a("TooMuchWork"),
        f"dedupe() on {distinct * 2:,} items ({distinct:,} distinct) made more than "
        f"{budget:,} == comparisons before the check stopped it. It compares each item "
        "with many others, so its work grows with the square of the input: 10 times more "
        "items, 100 times slower.",
        hint="linear_time",
    )
    kept = observed.handle  # any other exception fails here, with its line
    got = made.call("values", kept).value
    expected = [Shown(f"Counted({n})") for n in range(distinct)]
    shown = f"dedupe() on {distinct * 2:,} items"
    expect(
        got is not None,
        f"{shown} returned {show(kept)}, {a_kind(kept)}; expected a list.",
        hint="return_list",
    )
    expect(
        got == list(range(distinct)),
        f"{shown} returned {show(kept)}; expected {show(expected)}.",
        hint="each_once",
    )


def check_big_input(learner: Learner, seconds: float) -> None:
    """dedupe(list(range(100000)) * 2) within `seconds`, and right."""
    items = helpers(learner).keep("repeated_range", 100_000, 2).handle
    items.origin = "list(range(100000)) * 2"
    shown = f"dedupe({items.origin})"
    observed = None
    try:
        with learner.time_limit(seconds):  # past it, the sandbox starts afresh
            observed = learner.call("dedupe", items)
    except TooSlow:
        pass  # fail below, outside the except block: one cause, not a chain of two
    expect(
        observed is not None,
        f"dedupe() on 200,000 items (100,000 distinct) was still running after "
        f"{seconds:g} seconds; one pass over the items takes a few hundredths of a second.",
        hint="linear_time",
    )
    assert observed is not None  # for the type checker: expect() has just passed
    got = observed.value
    expect(
        type(got) is list,
        f"{shown} returned {show(got)}, {a_kind(got)}; expected a list.",
        hint="return_list",
    )
    expect(
        got == list(range(100_000)),
        f"{shown} returned {show(got)}; expected {show(list(range(100_000)))}.",
        hint="each_once",
    )
