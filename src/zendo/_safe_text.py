"""Making untrusted text safe for where it goes: a terminal, XML, a spreadsheet, a file.

Learner code, notebook files and folder names all reach the instructor's tools. Each
function here takes text that anyone may have written and returns text that cannot
act on its destination: no terminal escape sequences, no characters that break XML
1.0, no cell a spreadsheet runs as a formula, no lone surrogate that UTF-8 cannot
encode. Terminal escape sequences are dropped whole; any other character removed is
replaced by a visible escape (`\\x08`), so a reader can see that something was there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

# Escape sequences as terminals parse them (ECMA-48): CSI (ESC [ ... final byte), OSC,
# DCS, SOS, PM and APC strings (ended by BEL or ESC \), and two-byte ESC sequences.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI, possibly cut short
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]?"  # any other ESC sequence, or a lone ESC
)
# After escape sequences are gone: every other control character except newline and tab
# (C0, DEL, C1 including the 8-bit CSI U+009B), carriage return included, since it lets
# text overwrite the line it is on; Unicode's bidirectional overrides, which reorder what
# a reader sees (Trojan Source); and lone surrogates, which no file encoding accepts.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# Characters XML 1.0 forbids, even escaped: control characters other than tab, newline
# and carriage return, lone surrogates, and U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A spreadsheet treats a cell starting with one of these (after any spaces) as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

_Model = TypeVar("_Model", bound=BaseModel)


def _visible(match: re.Match[str]) -> str:
    """A removed character as an escape a reader can see: `\\x1b`, `\\u202e`."""
    return "".join(
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}" for char in match[0]
    )


def encodable(text: str) -> str:
    """`text` with every lone surrogate written as a visible escape, so UTF-8 can encode it.

    Such text comes from file names that are not valid UTF-8 (Python decodes their bytes
    as surrogates) and from JSON escapes like `\\udfff`.
    """
    return _SURROGATE.sub(_visible, text)


def for_terminal(text: str) -> str:
    """`text` without escape sequences (dropped) or other control characters (escaped).

    Newlines and tabs are kept: they structure reports. What is left cannot move the
    cursor, change colours or titles, ring the bell or hide text.
    """
    text = text.replace("\r\n", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _TERMINAL_UNSAFE.sub(_visible, text)


def for_xml(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold written as visible escapes."""
    return _XML_ILLEGAL.sub(_visible, text)


def for_spreadsheet(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix with `'`).

    Its control characters go too, as on a terminal: a CSV file is also read with `cat`.
    """
    text = for_terminal(text)
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def model_for_terminal(model: _Model) -> _Model:
    """A copy of a results model with every string in it made safe for a terminal."""
    return type(model).model_validate(_map_strings(model.model_dump(), for_terminal))


def _map_strings(value: object, change: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    return value
