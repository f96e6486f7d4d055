"""What the code-quality graders share: how a tool's finding reaches a learner.

Tools run on the trusted side over the exercise cell's text alone (from its
`# exercise:` line on), so a finding's line number is a line of the cell and the setup
cell's imports never count against the learner. A finding reaches the learner as a rule
code, what it means, and the learner's own line, never as raw tool output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from zendo.judge import Finding, Observation
from zendo.judge.client import MAX_SHOWN

MAX_LISTED = 3


@dataclass(frozen=True)
class Rule:
    """What a tool's finding means, in a learner's words, and the hint that goes with it."""

    meaning: str
    hint: str


RUFF_RULES = {
    "F401": Rule("an import that nothing uses", hint="unused_import"),
    "I001": Rule("the imports are not sorted into groups", hint="sorted_imports"),
    "B006": Rule("a mutable default argument, shared by every call", hint="shared_default"),
    "E722": Rule("a bare `except:`, which also catches Ctrl-C", hint="catch_what_you_expect"),
    "BLE001": Rule("a blind `except Exception:`", hint="catch_what_you_expect"),
    "E711": Rule("a comparison with None using `==`", hint="compare_to_singletons"),
    "E712": Rule("a comparison with True or False using `==`", hint="compare_to_singletons"),
    "G001": Rule("`str.format` in a logging message", hint="lazy_logging"),
    "G002": Rule("`%` formatting in a logging message", hint="lazy_logging"),
    "G003": Rule("`+` concatenation in a logging message", hint="lazy_logging"),
    "G004": Rule("an f-string as the logging message", hint="lazy_logging"),
    "UP031": Rule("percent formatting", hint="modern_format"),
    "UP032": Rule("`str.format` where an f-string would do", hint="modern_format"),
    "E501": Rule("a line longer than 88 characters", hint="run_the_formatter"),
    "N805": Rule(
        "a method whose first parameter is not `self`; a validator needs `@classmethod`",
        hint="classmethod_validator",
    ),
    "ANN001": Rule("a parameter without a type annotation", hint="missing_annotation"),
    "ANN201": Rule("a function without a return annotation", hint="missing_annotation"),
    "ANN202": Rule("a function without a return annotation", hint="missing_annotation"),
    "ANN206": Rule("a class method without a return annotation", hint="missing_annotation"),
}


def ruff_rule(finding: Finding) -> Rule:
    known = RUFF_RULES.get(finding.code)
    return known or Rule(finding.message.rstrip("."), hint="ruff_findings")


def line_of(text: str, number: int) -> str:
    """Line `number` (1-based) of `text`, stripped; empty when there is no such line."""
    lines = text.splitlines()
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def short(message: str) -> str:
    """A tool's message cut to its first sentence when it is long."""
    if len(message) <= MAX_SHOWN:
        return message
    first, _, _ = message.partition(". ")
    return first if len(first) <= MAX_SHOWN else first[: MAX_SHOWN - 4] + " ..."


def describe_findings(
    cell: str, findings: Sequence[Finding], rule: Callable[[Finding], Rule]
) -> str:
    """Up to MAX_LISTED findings as `line N: CODE (meaning): `the line``."""
    listed = [
        f"line {f.line}: {f.code} ({rule(f).meaning}): `{line_of(cell, f.line)}`"
        for f in findings[:MAX_LISTED]
    ]
    more = len(findings) - MAX_LISTED
    return "; ".join(listed) + (f"; and {more} more" if more > 0 else "")


def done(observed: Observation) -> Observation:
    """`observed` itself, unless it raised NotImplementedError: then "not done yet" fails."""
    if observed.raised is not None and observed.raised.is_a(NotImplementedError):
        observed.value  # noqa: B018 - raises the "not done yet" failure
    return observed
