"""Graders of zen.zen: the 19 aphorisms, read from `this` at each call, printed nowhere, a new list.

The expected text is decoded here, in the trusted judge process, from the `this` module
of the Python that grades; the learner's `zen()` runs in its sandbox, and what it
returned and printed comes back as data.
"""

from __future__ import annotations

import codecs
import contextlib
import io

from zendo.judge import Learner, a_kind, exercise, expect, fail, show

TITLE = "The Zen of Python, by Tim Peters"


def the_zen() -> list[str]:
    """The 19 aphorisms, decoded from the `this` module at grading time, never retyped."""
    with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the Zen
        import this
    return codecs.decode(this.s, "rot13").splitlines()[2:]


ZEN = the_zen()

# Sent into the sandbox: forgets an imported module there, so the next import runs it.
FORGET_SOURCE = """\
import sys


def forget(name):
    sys.modules.pop(name, None)
"""


def zen_list(learner: Learner) -> list[str]:
    """zen() must return a list of strings."""
    return checked_list(learner.call("zen").value)


def checked_list(got: object) -> list[str]:
    """A list of strings, exactly: a learner's subclass of list or str stays a handle."""
    expect(
        type(got) is list and all(type(item) is str for item in got),
        f"zen() returned {show(got)}, {a_kind(got)}; expected a list of 19 strings.",
        hint="return_list",
    )
    assert isinstance(got, list)  # for the type checker: expect() has just passed
    return got


def check_count(got: list[str]) -> None:
    if len(got) == len(ZEN):
        return
    message = f"zen() returned {len(got)} items; expected the 19 aphorisms."
    if TITLE in got:
        fail(
            message + f" Item {got.index(TITLE) + 1} is the title line {TITLE!r}, which is "
            "not an aphorism.",
            hint="title_line",
        )
    blank = sum(1 for item in got if not item.strip())
    if blank:
        message += f" {blank} of them {'is an empty string' if blank == 1 else 'are empty'}."
    fail(message, hint="nineteen")


@exercise("zen.zen", title="Returns the 19 aphorisms, no title line or blanks")
def test_zen_has_nineteen_aphorisms(learner: Learner) -> None:
    check_count(zen_list(learner))


@exercise("zen.zen", title="Each aphorism reads exactly as the `this` module has it")
def test_zen_matches_this_module(learner: Learner) -> None:
    got = zen_list(learner)
    for number, (mine, theirs) in enumerate(zip(got, ZEN, strict=False), start=1):
        if mine == theirs:
            continue
        if mine.strip() == theirs:
            extra = mine[len(mine.rstrip()) :] or mine[: len(mine) - len(mine.lstrip())]
            fail(
                f"zen() item {number} is {mine!r}; expected {theirs!r}: the same words with "
                f"the whitespace {extra!r} around them.",
                hint="trailing_whitespace",
            )
        fail(
            f"zen() item {number} is {mine!r}; expected {theirs!r}, as the `this` module has it.",
            hint="read_this_module",
        )
    check_count(got)


# Sent into the sandbox: gives the `this` module other text, and takes it back. The module
# object a cell may already hold, `sys.modules`, `importlib.util.find_spec("this")` and
# the module's source file all agree on the stand-in, so any way of reading `this` when
# zen() runs reads it; text typed into the cell, or kept from an earlier call, does not.
SWAP_SOURCE = """\
import contextlib
import importlib
import importlib.util
import io
import os
import sys
import tempfile

saved = {}


def swap(source):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "this.py")
    with open(path, "w", encoding="utf-8") as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location("this", path)
    stand_in = importlib.util.module_from_spec(spec)
    with contextlib.redirect_stdout(io.StringIO()):
        spec.loader.exec_module(stand_in)
    real = sys.modules.get("this")
    saved.update(real=real, folder=folder, state=dict(vars(real)) if real else None)
    if real is None:
        sys.modules["this"] = stand_in
    else:
        vars(real).update({k: v for k, v in vars(stand_in).items() if k != "__name__"})
    sys.path.insert(0, folder)
    importlib.invalidate_caches()


def restore():
    real = saved.get("real")
    if real is None:
        sys.modules.pop("this", None)
    else:
        vars(real).clear()
        vars(real).update(saved["state"])
        sys.modules["this"] = real
    if saved.get("folder") in sys.path:
        sys.path.remove(saved["folder"])
    importlib.invalidate_caches()
"""


def stand_in_this(aphorisms: list[str]) -> str:
    """The source of a `this` module built like the real one, holding other aphorisms."""
    text = "\n".join([TITLE, "", *aphorisms])
    return (
        f"s = {codecs.encode(text, 'rot13')!r}\n\n"
        "d = {}\n"
        "for c in (65, 97):\n"
        "    for i in range(26):\n"
        "        d[chr(i+c)] = chr((i+13) % 26 + c)\n\n"
        'print("".join([d.get(c, c) for c in s]))\n'
    )


@exercise("zen.zen", title="zen() reads the `this` module each time it runs")
def test_zen_reads_this_when_it_runs(learner: Learner) -> None:
    # The same 19 aphorisms, last first: text that only reading `this` can give.
    changed = ZEN[::-1]
    before = zen_list(learner)
    swap = learner.define("zen_swap", SWAP_SOURCE)
    swap.call("swap", stand_in_this(changed)).value  # noqa: B018 - raises if it failed
    try:
        observed = learner.call("zen")
    finally:
        swap.call("restore").value  # noqa: B018 - raises if it failed
    got = checked_list(observed.value)
    if got == changed:
        return
    if got == before:
        fail(
            "When the `this` module held other text (the same aphorisms, last first), zen() "
            f"still returned {show(got[:2])[:-1]}, ...]. Read the text from `this` each time "
            "zen() runs; do not type it in or keep a copy from an earlier call.",
            hint="read_this_module",
        )
    # It changed with `this`, so it reads it; if it was wrong before too (a title line,
    # a newline), the other checks of this exercise say what is wrong.
    expect(
        before != ZEN,
        f"When the `this` module held the aphorisms last first, zen() returned {show(got)}; "
        f"expected {show(changed)}, read from `this` as it is when zen() runs.",
        hint="read_this_module",
    )


@exercise("zen.zen", title="Running the cell and calling zen() print nothing")
def test_zen_prints_nothing(learner: Learner) -> None:
    # The sandbox is a fresh process, so loading the cell there was the first import of
    # `this` in it: what the cell printed then is what running the cell prints.
    check_silent(learner.import_printed, "Running your cell")
    # `this` prints only when it is first imported, and earlier checks called zen()
    # already: forget it in the sandbox, then call zen() and look at what it printed.
    forget = learner.define("zen_forget", FORGET_SOURCE)
    forget.call("forget", "this").value  # noqa: B018 - raises if it failed
    called = learner.call("zen")
    called.value  # noqa: B018 - an exception fails here, as "not done yet" or with its line
    check_silent(called.printed, "Calling zen()")


def check_silent(printed: str, doing: str) -> None:
    lines = printed.splitlines()
    expect(
        not printed,
        f"{doing} printed {len(lines)} line{'s' if len(lines) != 1 else ''}, starting with "
        f"{show(lines[0] if lines else printed)}; it must print nothing.",
        hint="import_side_effect",
    )


@exercise("zen.zen", title="Each call returns a new list")
def test_zen_returns_a_new_list(learner: Learner) -> None:
    # Both results stay in the sandbox as handles, so identity and mutation are real.
    first = learner.keep("zen").handle
    before = checked_list(learner.op("value", first).value)
    first.call("clear").value  # noqa: B018 - what a caller might do with the result
    second = learner.keep("zen").handle
    same_object = learner.op("is", second, first).value
    after = learner.op("value", second).value
    expect(
        same_object is False and after == before,
        "zen() returned the same list object twice: after a caller cleared the first "
        f"result, the second call returned {show(after)}. Each call must build a new list.",
        hint="fresh_list",
    )
