"""Name the exact class of a value that came back from the learner's code, for messages.

A value decoded from the sandbox is either exact plain data (an `int` is an `int`) or a
`Handle` to an object that stayed there. Graders tell a learner what they got back
("returned 0, an int; expected True, a bool"), and for a handle the class to name is the
learner's own (`dict_keys`, `Liar`), never `Handle`.

Usage:
    got = learner.call("is_leap", 1900).value
    expect(type(got) is bool, f"is_leap(1900) returned {show(got)}, {a_kind(got)}; ...")
    # "is_leap(1900) returned 0, an int; ..."
"""

from __future__ import annotations

from zendo.judge.client import Handle


def kind(value: object) -> str:
    """The class name of `value`: the learner's class for a handle, else the plain type's."""
    return value.class_name if isinstance(value, Handle) else type(value).__name__


def a_kind(value: object) -> str:
    """The class name of `value` with its article, for a sentence: `an int`, `a dict_keys`."""
    name = kind(value)
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
