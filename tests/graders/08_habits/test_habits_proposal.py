"""v2 graders of habits.proposal: a proposal's structure, and TODO markers ruff accepts.

`PROPOSAL` and `ANNOTATED` come back from the sandbox as plain data (a subclass of a
plain type would arrive as a handle and is refused). The proposal's parts are counted
and compared here; `ANNOTATED` is parsed with `ast` (never run) to prove the code is
unchanged and to find the three shortcut lines, and the pinned ruff checks it with the
TD rules in a private folder. Prose is judged only for presence, length and consistency.
"""

from __future__ import annotations

import ast
from typing import Any

from zendo.judge import Learner, exercise, expect, fail, run_ruff, show

# The setup cell's LEGACY, kept here: the learner's copy could have been changed.
LEGACY = """\
import time


def convert(amount_cents: int, gateway) -> int:
    rate = 1.08
    for _attempt in range(3):
        try:
            return gateway.send(round(amount_cents * rate))
        except Exception:
            time.sleep(2)
    return 0
"""
KEYS = ["approval", "options", "problem", "recommendation", "risks", "rollback", "rollout",
        "title"]  # fmt: skip


def words(text: object) -> int:
    return len(text.split()) if type(text) is str else 0


def texts_ok(items: object, least: int) -> bool:
    """A non-empty list of strings of at least `least` words each."""
    return type(items) is list and bool(items) and all(words(item) >= least for item in items)


def proposal(learner: Learner) -> dict[str, Any]:
    found = learner.get("PROPOSAL").value
    expect(
        type(found) is dict and sorted(found) == KEYS,
        f"PROPOSAL has the keys {sorted(found) if type(found) is dict else show(found)}; "
        f"expected exactly {', '.join(KEYS)}.",
        hint="proposal_parts",
    )
    return found


def options(found: dict[str, Any]) -> list[dict[str, Any]]:
    listed = found["options"]
    expect(
        type(listed) is list
        and all(type(o) is dict and sorted(o) == ["cons", "name", "pros"] for o in listed),
        "PROPOSAL['options'] must be a list of dicts with the keys name, pros and cons.",
        hint="proposal_parts",
    )
    return listed


@exercise("habits.proposal", title="The proposal has every part, long enough")
def test_proposal_parts(learner: Learner) -> None:
    found = proposal(learner)
    short = [
        name
        for name, ok in {
            "title": words(found["title"]) >= 3,
            "problem": words(found["problem"]) >= 20,
            "rollback": words(found["rollback"]) >= 8,
            "rollout": texts_ok(found["rollout"], 3) and len(found["rollout"]) >= 2,
            "risks": type(found["risks"]) is list and bool(found["risks"]) and all(
                type(r) is dict and sorted(r) == ["mitigation", "risk"]
                and words(r["risk"]) >= 3 and words(r["mitigation"]) >= 3
                for r in found["risks"]
            ),
        }.items()
        if not ok
    ]  # fmt: skip
    expect(
        not short,
        f"These parts of PROPOSAL are missing, of the wrong type or too short: "
        f"{', '.join(short)} (see the table for each part's least length).",
        hint="proposal_parts",
    )


@exercise("habits.proposal", title="At least two options, each with pros and cons")
def test_proposal_options(learner: Learner) -> None:
    listed = options(proposal(learner))
    names = [o["name"].strip().lower() if type(o["name"]) is str else "" for o in listed]
    expect(
        len(listed) >= 2 and all(names) and len(set(names)) == len(names),
        f"PROPOSAL['options'] holds {len(listed)} option(s) named {names!r}; expected at "
        "least two, with different names.",
        hint="one_option",
    )
    for option in listed:
        expect(
            texts_ok(option["pros"], 3) and texts_ok(option["cons"], 3),
            f"The option {option['name']!r} needs at least one pro and one con, each of at "
            "least 3 words.",
            hint="one_option",
        )


@exercise("habits.proposal", title="The recommendation picks one of the options")
def test_proposal_recommendation(learner: Learner) -> None:
    found = proposal(learner)
    names = [o["name"] for o in options(found)]
    picked = found["recommendation"]
    expect(
        type(picked) is dict and sorted(picked) == ["option", "why"],
        f"PROPOSAL['recommendation'] is {show(picked)}; expected a dict with the keys "
        "option and why.",
        hint="recommendation_unclear",
    )
    expect(
        type(picked["option"]) is str and picked["option"] in names,
        f"The recommendation picks {show(picked['option'])}, which is not the name of one "
        f"of the options ({names!r}).",
        hint="recommendation_unclear",
    )
    expect(words(picked["why"]) >= 8, "The recommendation's why needs at least 8 words.",
           hint="recommendation_unclear")  # fmt: skip


@exercise("habits.proposal", title="It asks for approval")
def test_proposal_asks_for_approval(learner: Learner) -> None:
    text = proposal(learner)["approval"]
    expect(
        words(text) >= 5 and text.rstrip().endswith("?"),
        f"PROPOSAL['approval'] is {show(text)}; expected a question of at least 5 words, "
        "ending with '?', that asks for approval.",
        hint="no_approval_request",
    )


def annotated(learner: Learner) -> tuple[str, ast.Module]:
    text = learner.get("ANNOTATED").value
    if type(text) is not str:
        fail(f"ANNOTATED is {show(text)}; expected the LEGACY text as a string.",
             hint="code_changed")  # fmt: skip
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        fail(f"ANNOTATED is not valid Python: line {error.lineno}: {error.msg}.",
             hint="code_changed")  # fmt: skip
    return text, tree


@exercise("habits.proposal", title="The snippet's code is unchanged")
def test_proposal_code_unchanged(learner: Learner) -> None:
    text, tree = annotated(learner)
    expect(text != LEGACY, "ANNOTATED is LEGACY as it was: add the markers.",
           hint="shortcut_unmarked")  # fmt: skip
    expect(
        ast.dump(tree) == ast.dump(ast.parse(LEGACY)),
        "The code in ANNOTATED differs from LEGACY; add comments only.",
        hint="code_changed",
    )


def shortcut_lines(tree: ast.Module) -> dict[str, int]:
    """Where the three shortcuts are in the learner's text (its code is LEGACY's)."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node) == "rate = 1.08":
            found["rate = 1.08"] = node.lineno
        elif isinstance(node, ast.ExceptHandler):
            found["except Exception:"] = node.lineno
        elif isinstance(node, ast.Expr) and ast.unparse(node) == "time.sleep(2)":
            found["time.sleep(2)"] = node.lineno
    return found


@exercise("habits.proposal", title="Each shortcut has a TODO right above it")
def test_proposal_shortcuts_marked(learner: Learner) -> None:
    text, tree = annotated(learner)
    lines = text.split("\n")
    found = shortcut_lines(tree)
    expect(len(found) == 3, "ANNOTATED does not hold LEGACY's three shortcuts; add comments "
           "only.", hint="code_changed")  # fmt: skip
    for shortcut, line in found.items():
        above = []
        number = line - 2
        while number >= 0 and lines[number].strip().startswith("#"):
            above.append(lines[number])
            number -= 1
        expect(
            any("TODO" in comment for comment in above),
            f"The comment lines directly above `{shortcut}` (line {line}) hold no TODO.",
            hint="shortcut_unmarked",
        )


@exercise("habits.proposal", title="ruff's TD rules find nothing")
def test_proposal_todo_format(learner: Learner) -> None:
    text, _ = annotated(learner)
    expect("TODO" in text.upper(), "ANNOTATED holds no TODO marker at all.",
           hint="shortcut_unmarked")  # fmt: skip
    run = run_ruff({"annotated.py": text}, select=["TD"])
    if run.crashed:
        fail("ruff could not check ANNOTATED; make sure it is valid Python.", hint="todo_format")
    findings = run.in_file("annotated.py")
    listed = "; ".join(f"line {f.line}: {f.code} {f.message}" for f in findings[:3])
    expect(
        not findings,
        f"`ruff check --select TD` on ANNOTATED reports {len(findings)} finding(s): {listed}.",
        hint="todo_format",
    )
