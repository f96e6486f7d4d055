"""Graders of zen.dedupe: first-seen order, any iterable in one pass, linear work, simple.

The rule (`list(dict.fromkeys(items))`) is computed here, in the trusted judge process;
the learner's `dedupe` runs in its sandbox and its results come back as exact data.
Fixed cases run first, so most wrong answers fail before the property searches.
"""

from __future__ import annotations

import ast
from typing import Any

from hypothesis import strategies as st
from zen_counting import check_big_input, check_comparisons
from zen_helpers import check_kiss

from zendo.judge import (
    Iterate,
    Learner,
    Submitted,
    a_kind,
    exercise,
    expect,
    fail,
    property_test,
    show,
)


def dedupe_list(learner: Learner, items: object, shown: str) -> list[Any]:
    observed = learner.call("dedupe", items)
    raised = observed.raised
    if raised is not None and raised.is_a(NotImplementedError):
        observed.value  # noqa: B018 - fails with "this part is not done yet"
    expect(
        raised is None,
        f"dedupe({shown}) {observed.describe()}; dedupe takes any iterable, and may walk "
        "through it only once.",
        hint="one_pass",
    )
    got = observed.value
    expect(
        type(got) is list,
        f"dedupe({shown}) returned {show(got)}, {a_kind(got)}; expected a list.",
        hint="return_list",
    )
    assert isinstance(got, list)  # for the type checker: expect() has just passed
    return got


def check_dedupe(learner: Learner, items: list[Any]) -> None:
    expected = list(dict.fromkeys(items))
    got = dedupe_list(learner, list(items), show(items))
    if got == expected:
        return
    message = f"dedupe({show(items)}) returned {show(got)}; expected {show(expected)}"
    if sorted(map(repr, got)) == sorted(map(repr, expected)):
        fail(message + ": the right items, in the wrong order.", hint="keep_order")
    fail(message + ": each distinct item once, in the order first seen.", hint="each_once")


FIRST_SEEN_CASES: list[list[Any]] = [
    [3, 1, 3, 2, 1],
    [5, 4, 3, 2, 1, 5],
    [],
    [7, 7, 7],
    ["pear", "apple", "pear", "fig"],
    [(1, 2), (0, 0), (1, 2)],
]


@exercise("zen.dedupe", title="Keeps items in first-seen order, as a list")
def test_dedupe_keeps_first_seen_order(learner: Learner) -> None:
    for items in FIRST_SEEN_CASES:
        check_dedupe(learner, items)


@exercise("zen.dedupe", title="Right for any list")
@property_test(
    "quick", items=st.lists(st.integers(0, 9) | st.sampled_from(["a", "b", "c"]), max_size=30)
)
def test_dedupe_matches_the_rule_on_any_list(learner: Learner, items: list[Any]) -> None:
    check_dedupe(learner, items)


@exercise("zen.dedupe", title="Keeps the first of equal items")
def test_dedupe_keeps_the_first_object(learner: Learner) -> None:
    # 1, 1.0 and True are equal (and hash alike), so only the first one seen is kept.
    items = [1, 1.0, True, "1"]
    got = dedupe_list(learner, items, show(items))
    expect(
        [(type(item), item) for item in got] == [(int, 1), (str, "1")],
        f"dedupe({show(items)}) returned {show(got)}; expected [1, '1']: 1, 1.0 and True are "
        "equal, and the one kept is the first seen, the int 1.",
        hint="first_occurrence",
    )


# (what the learner's code receives, how a learner would write it, the expected result)
ITERABLE_CASES: list[tuple[object, str, list[Any]]] = [
    (Iterate(n % 3 for n in range(7)), "(n % 3 for n in range(7))", [0, 1, 2]),
    ((2, 1, 2), "(2, 1, 2)", [2, 1]),
    ("banana", "'banana'", ["b", "a", "n"]),
    (Iterate([4, 4, 5]), "iter([4, 4, 5])", [4, 5]),
]


@exercise("zen.dedupe", title="Works on any iterable, in one pass")
def test_dedupe_accepts_any_iterable(learner: Learner) -> None:
    # An Iterate reaches the learner's code as a one-shot iterator: it cannot be indexed,
    # sliced or walked twice, like a generator.
    for items, shown, expected in ITERABLE_CASES:
        got = dedupe_list(learner, items, shown)
        if got == expected:
            continue
        message = f"dedupe({shown}) returned {show(got)}; expected {expected!r}"
        if sorted(map(repr, got)) == sorted(map(repr, expected)):
            fail(message + ": the right items, in the wrong order.", hint="keep_order")
        fail(message + ": an iterator can be walked only once.", hint="one_pass")


@exercise("zen.dedupe", title="Compares each item only a few times")
def test_dedupe_is_linear(learner: Learner) -> None:
    check_comparisons(learner)


@exercise("zen.dedupe", title="Handles 200,000 items quickly")
def test_dedupe_handles_200k_items_quickly(learner: Learner) -> None:
    # First the cheap comparison count: a quadratic dedupe on plain ints would only be
    # stopped by the time limit, two seconds later.
    check_comparisons(learner)
    check_big_input(learner, seconds=2.0)  # a one-pass dedupe needs about 0.02 s here


# Methods that change the collection they are called on: called inside a comprehension,
# they are there for their side effect (`x in seen or seen.add(x)`), the dense style.
MUTATORS = {"add", "append", "extend", "insert", "update", "setdefault", "pop", "discard"}
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def side_effect_in_comprehension(submitted: Submitted) -> tuple[int, str] | None:
    """The first call of a mutating method in a comprehension of the cell: (line, call)."""
    for node in ast.walk(ast.parse(submitted.source)):
        if not isinstance(node, COMPREHENSIONS):
            continue
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr in MUTATORS
                and submitted.cell_line(inner.lineno) is not None
            ):
                return inner.lineno, ast.unparse(inner)
    return None


@exercise("zen.dedupe", title="Simple: a few lines, no class")
def test_dedupe_is_simple(learner: Learner, submitted: Submitted) -> None:
    learner.call("dedupe", [1, 1]).value  # noqa: B018 - not done yet fails here, before the style checks
    check_kiss(submitted, "dedupe")
    found = side_effect_in_comprehension(submitted)
    if found is not None:
        line, call = found
        fail(
            f"On {submitted.where(line)}, a comprehension calls `{call}` for its side "
            "effect. Sparse is better than dense: a comprehension builds its result and "
            "changes nothing else; a plain `for` loop says the same in a way anyone can read.",
            hint="dense_comprehension",
        )
