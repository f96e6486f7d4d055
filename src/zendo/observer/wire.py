"""Values on the wire, seen from the observer: decode the judge's arguments, encode answers.

Plain data travels with an exact type tag: `int` only when `type(x) is int`, and so on
for bool, float, str, bytes, list, tuple, dict, set, frozenset and None. A Decimal
travels as its string, a Fraction as numerator and denominator. Anything else, including
every subclass of those types, stays in the sandbox and travels as a handle: a number
the judge can name in later requests, with the object's class and a short repr. The
judge decodes strictly on its side; nothing here can make it run code.
"""

from __future__ import annotations

import base64
import itertools
import re
from decimal import Decimal
from fractions import Fraction

TYPE_CHECKING = False  # typing costs every sandbox start about 2 ms: annotations only
if TYPE_CHECKING:
    from typing import Any

MAX_DEPTH = 32  # nesting of containers in one value
MAX_NODES = 1_000_000  # items in one value, all levels together
MAX_PLAIN_INT = 2**53  # ints below this travel as JSON numbers inside `ints` lists
# Classes the judge may name in requests (for isinstance, issubclass, raising checks):
# standard-library modules only, so naming one runs no learner code.
NAMEABLE_MODULES = ("builtins", "decimal", "fractions", "numbers", "collections.abc")
MAX_TEXT = 1_000_000  # characters of one str (bytes are counted likewise)
MAX_INT_DIGITS = 4_000  # decimal digits of one int (Python's own parse limit is 4300)
MAX_REPR = 300  # characters of a handle's repr, for messages
MAX_MRO = 16  # classes named in a handle's or an exception's ancestry
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class WireError(Exception):
    """A request the observer cannot honour: a malformed value or an unknown handle."""


class _TooBigError(Exception):
    """A value over the limits: it travels as a handle instead."""


class Handles:
    """The objects the judge may name by number; released when the judge says so."""

    def __init__(self) -> None:
        self._objects: dict[int, object] = {}
        self._ids = itertools.count(1)

    def add(self, value: object) -> int:
        number = next(self._ids)
        self._objects[number] = value
        return number

    def get(self, number: object) -> object:
        if type(number) is not int or number not in self._objects:
            raise WireError(f"There is no handle {number!r}; it was never given or released.")
        return self._objects[number]

    def release(self, numbers: list[object]) -> None:
        for number in numbers:
            if type(number) is int:
                self._objects.pop(number, None)


def short_repr(value: object) -> str:
    """repr(value), cut to MAX_REPR characters; a repr that fails is described, not raised."""
    try:
        text = repr(value)
        if type(text) is not str:
            text = "<repr did not return a str>"
    except BaseException as error:  # learner code: anything may come out of __repr__
        text = f"<repr raised {type(error).__name__}>"
    # Default reprs carry memory addresses; without them the same code shows the same text.
    text = _ADDRESS.sub(" at 0x...", text)
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 4] + " ..."


def class_names(cls: type) -> list[str]:
    """`module.qualname` of a class and its ancestors, nearest first."""
    names = []
    for klass in cls.__mro__[:MAX_MRO]:
        try:
            module = klass.__module__
        except BaseException:  # a learner metaclass may make this fail
            module = "?"
        module = module if type(module) is str else "?"
        names.append(f"{module}.{klass.__qualname__}")
    return names


def encode(value: object, handles: Handles) -> dict[str, Any]:
    """The wire form of `value`: plain data when it is plain data within limits, else a handle."""
    try:
        return _encode(value, handles, 0, [0])
    except (_TooBigError, RecursionError):
        return handle_of(value, handles, note="too large or too deep to send as data")


def handle_of(value: object, handles: Handles, note: str = "") -> dict[str, Any]:
    cls = type(value)
    data: dict[str, Any] = {
        "t": "handle",
        "id": handles.add(value),
        "class": class_names(cls),
        "repr": short_repr(value),
    }
    if note:
        data["note"] = note
    return data


def _encode(value: object, handles: Handles, depth: int, nodes: list[int]) -> dict[str, Any]:
    nodes[0] += 1
    if nodes[0] > MAX_NODES or depth > MAX_DEPTH:
        raise _TooBigError
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int and isinstance(value, int):
        if value.bit_length() > MAX_INT_DIGITS * 3.33:
            raise _TooBigError
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is str and isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise _TooBigError
        return {"t": "str", "v": value}
    if kind is bytes and isinstance(value, bytes):
        if len(value) > MAX_TEXT:
            raise _TooBigError
        return {"t": "bytes", "v": base64.b64encode(value).decode("ascii")}
    if kind is Decimal:
        return {"t": "decimal", "v": str(value)}
    if kind is Fraction and isinstance(value, Fraction):
        return {"t": "fraction", "n": str(value.numerator), "d": str(value.denominator)}
    if value is NotImplemented:
        return {"t": "notimplemented"}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if kind in (list, tuple, set, frozenset) and isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        if kind in (set, frozenset):
            items = _stable(items)
        if items and all(
            type(item) is int and -MAX_PLAIN_INT < item < MAX_PLAIN_INT for item in items
        ):
            # A compact form for the common case, a collection of exact small ints.
            nodes[0] += len(items)
            if nodes[0] > MAX_NODES:
                raise _TooBigError
            return {"t": kind.__name__, "ints": items}
        return {
            "t": kind.__name__,
            "v": [_encode(item, handles, depth + 1, nodes) for item in items],
        }
    if kind is dict and isinstance(value, dict):
        return {
            "t": "dict",
            "v": [
                [_encode(key, handles, depth + 1, nodes), _encode(item, handles, depth + 1, nodes)]
                for key, item in list(value.items())
            ],
        }
    return handle_of(value, handles)


def _stable(items: list[object]) -> list[object]:
    """A set's items in a fixed order, so the same set always travels the same way."""
    try:
        return sorted(items, key=lambda item: (type(item).__name__, repr(item)))
    except BaseException:  # repr of a hashable learner object may fail: keep set order
        return items


def decode(data: object, handles: Handles, depth: int = 0) -> object:
    """A judge's argument back into a Python value (handles name objects kept here)."""
    if depth > MAX_DEPTH or type(data) is not dict:
        raise WireError("A value on the wire must be an object with a type tag, not too deep.")
    tag = data.get("t")
    raw = data.get("v")
    if tag == "none":
        return None
    if tag == "bool" and type(raw) is bool:
        return raw
    if tag == "int" and type(raw) is str and len(raw) <= MAX_INT_DIGITS + 1:
        return int(raw)
    if tag == "float" and type(raw) is str:
        return float(raw)
    if tag == "str" and type(raw) is str:
        return raw
    if tag == "bytes" and type(raw) is str:
        return base64.b64decode(raw, validate=True)
    if tag == "decimal" and type(raw) is str:
        return Decimal(raw)
    if tag == "fraction":
        return Fraction(int(str(data.get("n"))), int(str(data.get("d"))))
    if tag == "notimplemented":
        return NotImplemented
    if tag == "ellipsis":
        return Ellipsis
    if tag == "handle":
        return handles.get(data.get("id"))
    if tag == "type":
        return _named_class(data.get("module"), data.get("name"))
    if tag in ("list", "tuple", "set", "frozenset", "iter") and type(data.get("ints")) is list:
        data = {"t": tag, "v": [{"t": "int", "v": str(item)} for item in data["ints"]]}
        raw = data["v"]
    if tag in ("list", "tuple", "set", "frozenset", "iter") and type(raw) is list:
        items = [decode(item, handles, depth + 1) for item in raw]
        if tag == "list":
            return items
        if tag == "tuple":
            return tuple(items)
        if tag == "set":
            return set(items)
        if tag == "frozenset":
            return frozenset(items)
        return (item for item in items)  # an iterator the learner can walk only once
    if tag == "dict" and type(raw) is list:
        pairs = {}
        for pair in raw:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("A dict travels as a list of [key, value] pairs.")
            pairs[decode(pair[0], handles, depth + 1)] = decode(pair[1], handles, depth + 1)
        return pairs
    raise WireError(f"The value tag {tag!r} is unknown or its payload is malformed.")


def _named_class(module: object, name: object) -> type:
    """A class of the standard library the judge named: `builtins.ValueError`."""
    if module not in NAMEABLE_MODULES or type(name) is not str:
        raise WireError(f"Only classes of {', '.join(NAMEABLE_MODULES)} can be named.")
    import importlib

    found = getattr(importlib.import_module(str(module)), name, None)
    if not isinstance(found, type):
        raise WireError(f"{module}.{name} is not a class.")
    return found
