"""v2 graders of habits.review: a structured review judged against the flaws really there.

`REVIEW` comes back from the sandbox as plain data. The truth about the setup cell's
`FLAWED` (which kinds of flaw it has, at which lines, in which categories; which
checklist items it meets) is kept here, and so is a copy of `FLAWED`: the pinned ruff
runs on that copy and on the learner's implementation in a private folder, and the
implementation is parsed with `ast`, never run.
"""

from __future__ import annotations

import ast
from typing import Any

from zendo.judge import Learner, ToolRun, exercise, expect, fail, run_ruff, show

FLAWED = """\
import logging
import sqlite3

import httpx

logger = logging.getLogger(__name__)
API_KEY = "sk_live_51HqLyjWDarjtT1zdp7dc0f"


def charge(db: sqlite3.Connection, user_id: str, amount: float, card: str) -> dict:
    logger.info(f"charging card {card} for {amount}")
    row = db.execute(f"SELECT id FROM users WHERE id = '{user_id}'").fetchone()
    assert row is not None and amount > 0
    total = round(amount * 1.2, 2)
    try:
        response = httpx.post(
            "https://pay.example.com/charges",
            json={"card": card, "amount": total},
            headers={"Authorization": API_KEY},
        )
    except Exception:
        pass
    return response.json()
"""
RUFF_SELECT = ["S", "BLE", "G", "E722", "F"]
KINDS = {"hardcoded_secret", "secret_in_log", "sql_injection", "assert_validation",
         "float_money", "no_timeout", "swallowed_error", "shell_injection",
         "unsafe_deserialization", "mutable_default", "weak_hash"}  # fmt: skip
CATEGORIES = ("security", "correctness", "reliability")
# kind -> (the lines where it is, the categories it may be filed under)
TRUTH: dict[str, tuple[set[int], set[str]]] = {
    "hardcoded_secret": ({7, 19}, {"security"}),
    "secret_in_log": ({11}, {"security"}),
    "sql_injection": ({12}, {"security"}),
    "assert_validation": ({13}, {"security", "correctness"}),
    "float_money": ({10, 14}, {"correctness"}),
    "no_timeout": ({16, 17, 18, 19, 20}, {"reliability"}),
    "swallowed_error": ({21, 22}, {"reliability", "correctness"}),
}
CHECKLIST = {
    "inputs_validated": False,
    "queries_parameterized": False,
    "no_secrets_in_code": False,
    "no_secrets_in_logs": False,
    "timeouts_on_network_calls": False,
    "https_only": True,
    "no_shell_commands": True,
}
KEYS = ["analysis", "findings", "implementation", "ruff_compliance", "security_checklist",
        "testing_requirements"]  # fmt: skip
SECRET_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD")
HTTP_METHODS = {"get", "post", "put", "patch", "delete", "request", "head", "options", "stream"}


# ruff's findings per implementation text: the two tests that need ruff share one run of
# it on FLAWED and the learner's implementation. Judge-side data, keyed by the text alone.
RUFF_RUNS: dict[str, ToolRun] = {}


def ruff_run(implementation: str) -> ToolRun:
    """The pinned ruff on FLAWED and on `implementation`, in one run, in a private folder."""
    if implementation not in RUFF_RUNS:
        RUFF_RUNS.clear()
        files = {"flawed.py": FLAWED, "implementation.py": implementation}
        RUFF_RUNS[implementation] = run_ruff(files, select=RUFF_SELECT)
    return RUFF_RUNS[implementation]


def words(text: object) -> int:
    return len(text.split()) if type(text) is str else 0


def review(learner: Learner) -> dict[str, Any]:
    found = learner.get("REVIEW").value
    expect(
        type(found) is dict and sorted(found) == KEYS,
        f"REVIEW has the keys {sorted(found) if type(found) is dict else show(found)}; "
        f"expected exactly {', '.join(KEYS)} (a plain dict).",
        hint="review_shape",
    )
    return found


def findings(learner: Learner) -> list[tuple[str, str, int]]:
    """(category, kind, line) of every finding, after checking the section's shape."""
    section = review(learner)["findings"]
    listed: list[tuple[str, str, int]] = []
    if type(section) is not dict:
        fail("REVIEW['findings'] must be a dict from category to a list of findings.",
             hint="review_shape")  # fmt: skip
    for category, items in section.items():
        expect(
            category in CATEGORIES and type(items) is list,
            f"REVIEW['findings'] has the key {show(category)}; the categories are "
            f"{', '.join(CATEGORIES)}, each holding a list.",
            hint="review_shape",
        )
        for item in items:
            expect(
                type(item) is dict and sorted(item) == ["explanation", "kind", "line"]
                and item["kind"] in KINDS and type(item["line"]) is int
                and words(item["explanation"]) >= 5,
                f"The finding {show(item)} must be a dict with kind (a key of FLAW_KINDS), "
                "line (an int) and explanation (at least 5 words).",
                hint="review_shape",
            )  # fmt: skip
            listed.append((category, item["kind"], item["line"]))
    return listed


@exercise("habits.review", title="The review has its sections, in shape")
def test_review_shape(learner: Learner) -> None:
    found = review(learner)
    findings(learner)
    expect(words(found["analysis"]) >= 20, "REVIEW['analysis'] needs at least 20 words.",
           hint="review_shape")  # fmt: skip


@exercise("habits.review", title="Every real flaw is found")
def test_review_finds_every_flaw(learner: Learner) -> None:
    listed = findings(learner)
    missed = [
        kind for kind, (lines, _) in TRUTH.items()
        if not any(k == kind and line in lines for _, k, line in listed)
    ]  # fmt: skip
    by_category = sorted({min(TRUTH[kind][1]) for kind in missed})
    expect(
        not missed,
        f"{len(missed)} of the {len(TRUTH)} kinds of flaw really in FLAWED are not among "
        f"your findings at a line where they are (in the categories: "
        f"{', '.join(by_category)}).",
        hint="missed_flaw",
    )


@exercise("habits.review", title="No finding claims a flaw that is not there")
def test_review_no_false_claims(learner: Learner) -> None:
    for _, kind, line in findings(learner):
        lines = TRUTH[kind][0] if kind in TRUTH else set()
        expect(
            line in lines,
            f"Your review claims {kind} at line {line}; FLAWED has no such flaw there.",
            hint="false_finding",
        )


@exercise("habits.review", title="Each finding sits in its category")
def test_review_categories(learner: Learner) -> None:
    for category, kind, _ in findings(learner):
        if kind in TRUTH:
            expect(
                category in TRUTH[kind][1],
                f"You file {kind} under {category}; a reviewer would file it elsewhere.",
                hint="wrong_category",
            )


@exercise("habits.review", title="The checklist is ticked right, with reasons")
def test_review_checklist(learner: Learner) -> None:
    section = review(learner)["security_checklist"]
    expect(
        type(section) is dict and sorted(section) == sorted(CHECKLIST)
        and all(type(v) is dict and sorted(v) == ["ok", "reason"] and type(v["ok"]) is bool
                and words(v["reason"]) >= 4 for v in section.values()),
        "REVIEW['security_checklist'] must answer every item of CHECKLIST with "
        "{'ok': True or False, 'reason': at least 4 words}.",
        hint="checklist_wrong",
    )  # fmt: skip
    wrong = [item for item, meets in CHECKLIST.items() if section[item]["ok"] is not meets]
    expect(
        not wrong,
        f"{len(wrong)} of the {len(CHECKLIST)} checklist items are ticked the wrong way.",
        hint="checklist_wrong",
    )


@exercise("habits.review", title="Every real flaw has a test requirement")
def test_review_testing_requirements(learner: Learner) -> None:
    listed = review(learner)["testing_requirements"]
    expect(
        type(listed) is list
        and all(type(t) is dict and sorted(t) == ["kind", "test"] and words(t["test"]) >= 6
                for t in listed),
        "REVIEW['testing_requirements'] must be a list of {'kind': ..., 'test': at least 6 "
        "words}.",
        hint="untested_finding",
    )  # fmt: skip
    covered = {t["kind"] for t in listed}
    missing = [kind for kind in TRUTH if kind not in covered]
    expect(
        not missing,
        f"{len(missing)} kind(s) of flaw really in FLAWED have no test requirement.",
        hint="untested_finding",
    )


@exercise("habits.review", title="The ruff codes are what ruff reports")
def test_review_ruff_codes(learner: Learner) -> None:
    found = review(learner)
    codes = found["ruff_compliance"]
    implementation = found["implementation"]
    run = ruff_run(implementation if type(implementation) is str else "")
    if run.crashed:
        fail("ruff could not run on the grading machine; this is not a verdict on your "
             "review, check again.")  # fmt: skip
    real = sorted({finding.code for finding in run.in_file("flawed.py")})
    given = codes if type(codes) is list and all(type(c) is str for c in codes) else None
    expect(
        given is not None and len(given) == len(set(given)) and sorted(given) == real,
        f"REVIEW['ruff_compliance'] is {show(codes)}; it does not match the codes "
        f"`ruff check --select {','.join(RUFF_SELECT)}` reports on FLAWED ({len(real)} "
        "codes, each once). Run ruff on it yourself.",
        hint="ruff_prediction",
    )


def implementation_problems(text: str) -> list[str]:
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        return [f"it is not valid Python (line {error.lineno}: {error.msg})"]
    problems = []
    if not any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == "charge"
               for n in tree.body):  # fmt: skip
        problems.append("it defines no top-level function charge")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in HTTP_METHODS and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "httpx"
            and not any(keyword.arg == "timeout" for keyword in node.keywords)
        ):  # fmt: skip
            call = f"httpx.{node.func.attr}"
            problems.append(f"the {call} call at line {node.lineno} has no timeout=")
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (isinstance(target, ast.Name) and isinstance(node.value.value, str)
                        and any(word in target.id.upper() for word in SECRET_WORDS)):  # fmt: skip
                    problems.append(f"line {node.lineno} writes a string into {target.id}")
    findings = ruff_run(text).in_file("implementation.py")
    problems += [f"ruff reports {f.code} at line {f.line}" for f in findings[:3]]
    return problems


@exercise("habits.review", title="The implementation is a real fix")
def test_review_implementation(learner: Learner) -> None:
    text = review(learner)["implementation"]
    if type(text) is not str:
        fail(f"REVIEW['implementation'] is {show(text)}; expected source text.",
             hint="implementation_flawed")  # fmt: skip
    problems = implementation_problems(text)
    expect(
        not problems,
        f"Your implementation is not yet a fix: {'; '.join(problems)}.",
        hint="implementation_flawed",
    )
