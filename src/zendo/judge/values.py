"""Values on the wire, seen from the judge: encode arguments, decode observations strictly.

Decoding is where untrusted data enters the trusted side, so it builds only exact,
plain Python values (`int` is `int`, never a subclass) or `Handle`s, checks every size
and depth limit again, and turns anything unexpected into a `ProtocolFault`. It never
calls code from the other side: there is none on this side to call.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from zendo.observer.wire import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_MRO,
    MAX_NODES,
    MAX_PLAIN_INT,
    MAX_REPR,
    MAX_TEXT,
    NAMEABLE_MODULES,
)

if TYPE_CHECKING:
    from zendo.judge.client import Handle, Learner


class ProtocolFault(Exception):  # noqa: N818 - a fault of the other side, named as such
    """The sandbox sent something the protocol does not allow: the submission's error."""


@dataclass(frozen=True)
class Iterate:
    """An argument the learner's code receives as a one-shot iterator over `items`."""

    items: tuple[object, ...]

    def __init__(self, items: Iterable[object]) -> None:
        object.__setattr__(self, "items", tuple(items))


def encode(value: object, learner: Learner, depth: int = 0) -> dict[str, Any]:
    """The wire form of a judge's argument. Only plain data, Iterate and handles travel."""
    from zendo.judge.client import Handle

    if depth > MAX_DEPTH:
        raise ValueError("An argument is nested too deeply to send to the learner's code.")
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is str:
        return {"t": "str", "v": value}
    if kind is bytes and isinstance(value, bytes):
        return {"t": "bytes", "v": base64.b64encode(value).decode("ascii")}
    if kind is Decimal:
        return {"t": "decimal", "v": str(value)}
    if kind is Fraction and isinstance(value, Fraction):
        return {"t": "fraction", "n": str(value.numerator), "d": str(value.denominator)}
    if value is NotImplemented:
        return {"t": "notimplemented"}
    if value is Ellipsis:
        return {"t": "ellipsis"}
    if isinstance(value, Handle):
        if value.learner is not learner:
            raise ValueError("A handle can only be sent back to the sandbox it came from.")
        return {"t": "handle", "id": value.id}
    if isinstance(value, type) and value.__module__ in NAMEABLE_MODULES:
        return {"t": "type", "module": value.__module__, "name": value.__qualname__}
    if isinstance(value, Iterate):
        return {"t": "iter", "v": [encode(item, learner, depth + 1) for item in value.items]}
    if kind in (list, tuple, set, frozenset) and isinstance(value, list | tuple | set | frozenset):
        if value and all(type(i) is int and -MAX_PLAIN_INT < i < MAX_PLAIN_INT for i in value):
            return {"t": kind.__name__, "ints": list(value)}
        return {"t": kind.__name__, "v": [encode(item, learner, depth + 1) for item in value]}
    if kind is dict and isinstance(value, dict):
        return {
            "t": "dict",
            "v": [
                [encode(key, learner, depth + 1), encode(item, learner, depth + 1)]
                for key, item in value.items()
            ],
        }
    raise TypeError(
        f"Cannot send a {kind.__name__} to the learner's code: only plain data "
        "(None, bool, int, float, str, bytes, Decimal, Fraction, list, tuple, dict, set), "
        "Iterate(...), handles and classes of the standard library (ValueError, Decimal) travel."
    )


class Decoder:
    """Decodes one answer's value, counting nodes so no answer can exceed the limits."""

    def __init__(self, learner: Learner) -> None:
        self.learner = learner
        self.nodes = 0

    def decode(self, data: object, depth: int = 0) -> object:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise ProtocolFault("An answer exceeded the size or depth limits of the protocol.")
        if type(data) is not dict:
            raise ProtocolFault("A value must be a JSON object with a type tag.")
        tag = data.get("t")
        raw = data.get("v")
        try:
            return self._decode(tag, raw, data, depth)
        except ProtocolFault:
            raise
        except (ValueError, TypeError, InvalidOperation, binascii.Error, OverflowError):
            raise ProtocolFault(f"A value tagged {str(tag)[:20]!r} is malformed.") from None

    def _decode(self, tag: object, raw: object, data: dict[str, Any], depth: int) -> object:
        if tag == "none":
            return None
        if tag == "bool" and type(raw) is bool:
            return raw
        if tag == "int" and type(raw) is str and len(raw) <= MAX_INT_DIGITS + 1:
            return int(raw)
        if tag == "float" and type(raw) is str and len(raw) <= 40:
            number = float(raw)
            if not math.isfinite(number) and raw not in ("inf", "-inf", "nan"):
                raise ProtocolFault("A float travelled in an unusual spelling.")
            return number
        if tag == "str" and type(raw) is str and len(raw) <= MAX_TEXT:
            return raw
        if tag == "bytes" and type(raw) is str and len(raw) <= MAX_TEXT * 2:
            return base64.b64decode(raw, validate=True)
        if tag == "decimal" and type(raw) is str and len(raw) <= MAX_INT_DIGITS + 20:
            return Decimal(raw)
        if tag == "fraction":
            numerator, denominator = data.get("n"), data.get("d")
            if (
                type(numerator) is str
                and type(denominator) is str
                and max(len(numerator), len(denominator)) <= MAX_INT_DIGITS + 1
            ):
                return Fraction(int(numerator), int(denominator))
        if tag == "notimplemented":
            return NotImplemented
        if tag == "ellipsis":
            return Ellipsis
        if tag == "handle":
            return self._handle(data)
        compact = data.get("ints")
        if tag in ("list", "tuple", "set", "frozenset") and type(compact) is list:
            self.nodes += len(compact)
            if self.nodes > MAX_NODES or not all(
                type(item) is int and -MAX_PLAIN_INT < item < MAX_PLAIN_INT for item in compact
            ):
                raise ProtocolFault("A list of ints holds something else, or too much.")
            if tag == "list":
                return list(compact)
            if tag == "tuple":
                return tuple(compact)
            return set(compact) if tag == "set" else frozenset(compact)
        if tag in ("list", "tuple", "set", "frozenset") and type(raw) is list:
            items = [self.decode(item, depth + 1) for item in raw]
            if tag == "list":
                return items
            if tag == "tuple":
                return tuple(items)
            return set(items) if tag == "set" else frozenset(items)
        if tag == "dict" and type(raw) is list:
            result: dict[object, object] = {}
            for pair in raw:
                if type(pair) is not list or len(pair) != 2:
                    raise ProtocolFault("A dict must travel as [key, value] pairs.")
                result[self.decode(pair[0], depth + 1)] = self.decode(pair[1], depth + 1)
            return result
        raise ProtocolFault(f"Unknown or malformed value tag {str(tag)[:20]!r}.")

    def _handle(self, data: dict[str, Any]) -> Handle:
        from zendo.judge.client import Handle

        number = data.get("id")
        names = data.get("class")
        shown = data.get("repr")
        note = data.get("note", "")
        if (
            type(number) is not int
            or type(names) is not list
            or not 0 < len(names) <= MAX_MRO
            or not all(type(name) is str and len(name) <= 500 for name in names)
            or type(shown) is not str
            or len(shown) > MAX_REPR
            or type(note) is not str
        ):
            raise ProtocolFault("A handle arrived without a valid id, class names or repr.")
        return Handle(self.learner, number, tuple(names), shown, note[:200])


def check_text(value: object, limit: int, what: str) -> str:
    if type(value) is not str or len(value) > limit:
        raise ProtocolFault(f"The {what} of an answer is not a string within {limit} characters.")
    return value
