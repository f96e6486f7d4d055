"""v2 grader of capstone.payment_service's REVIEW: the answer in the prompt's format.

The review is text, read from the learner's module as a plain `str` and judged here for
structure only: the five sections in order, each with content; at least five findings
in the analysis; the prompt's five checklist items, each ticked or left open with a
reason; a test in the testing section; the ruff commands. Whether the analysis is right
is for a human reviewer: the statement says so.
"""

from __future__ import annotations

import re

from zendo.judge import Learner, exercise, expect, fail

SECTIONS = (
    "Analysis",
    "Implementation",
    "Security Checklist",
    "Testing Requirements",
    "Ruff Compliance",
)
CHECKLIST = (
    "Input validation with Pydantic/dataclasses",
    "No hardcoded secrets",
    "Parameterized database queries",
    "No dangerous functions (eval, exec, pickle)",
    "Dependencies audited",
)
HEADING = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.MULTILINE)
FINDING = re.compile(r"^[ \t]*(?:[-*]|\d+[.)])[ \t]+\S", re.MULTILINE)
MIN_FINDINGS = 5
MIN_REASON_WORDS = 3


def sections(review: str) -> tuple[list[str], dict[str, str]]:
    """The level-3 headings in order, and the text under each."""
    found = list(HEADING.finditer(review))
    titles = [match.group(1) for match in found]
    bodies = {}
    for number, match in enumerate(found):
        end = found[number + 1].start() if number + 1 < len(found) else len(review)
        bodies[match.group(1)] = review[match.end() : end].strip()
    return titles, bodies


def checklist_line(body: str, item: str) -> str | None:
    """The checklist line for `item` ("- [x] item: reason"), or None."""
    pattern = re.compile(
        r"^[ \t]*[-*][ \t]+\[[ xX]\][ \t]+" + re.escape(item) + r"(.*)$", re.MULTILINE
    )
    match = pattern.search(body)
    return match.group(1) if match else None


@exercise("capstone.payment_service", title="The review is in the prompt's format")
def test_review_is_in_the_prompts_format(learner: Learner) -> None:
    review = learner.get("REVIEW").value
    if type(review) is not str:
        fail("REVIEW must be a string (the review's text, in markdown).", hint="review_sections")
    titles, bodies = sections(review)
    wanted = [title for title in titles if title in SECTIONS]
    expect(
        wanted == list(SECTIONS),
        f"REVIEW's '###' sections are {titles!r}; expected these five, in this order: "
        f"{', '.join(SECTIONS)}.",
        hint="review_sections",
    )
    empty = [title for title in SECTIONS if not bodies.get(title)]
    expect(
        not empty,
        f"These sections of REVIEW are empty: {', '.join(empty)}. Each needs content.",
        hint="review_sections",
    )
    findings = len(FINDING.findall(bodies.get("Analysis", "")))
    expect(
        findings >= MIN_FINDINGS,
        f"The Analysis lists {findings} findings as list items; name at least "
        f"{MIN_FINDINGS} defects of the endpoint you were handed, one list item each.",
        hint="review_findings",
    )
    checklist = bodies.get("Security Checklist", "")
    for item in CHECKLIST:
        rest = checklist_line(checklist, item)
        reason = (rest or "").lstrip(" :-\u2013\u2014\t")
        expect(
            rest is not None and len(reason.split()) >= MIN_REASON_WORDS,
            f"The Security Checklist needs the item '- [x] {item}' (or '- [ ] ...' when it "
            f"is not done), followed by a reason of at least {MIN_REASON_WORDS} words on "
            f"the same line; {'it has no reason' if rest is not None else 'it is missing'}.",
            hint="review_checklist",
        )
    expect(
        "def test_" in bodies.get("Testing Requirements", ""),
        "The Testing Requirements section names no test: list the pytest tests to add "
        "(def test_...).",
        hint="review_sections",
    )
    ruff = bodies.get("Ruff Compliance", "")
    expect(
        "ruff check" in ruff and "ruff format" in ruff,
        "The Ruff Compliance section must give the commands to run: ruff check and ruff format.",
        hint="review_sections",
    )
