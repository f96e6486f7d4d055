"""Graders for the Zen of Python exercises (solutions/01_zen.ipynb).

Every test is tied to one exercise with ``@exercise`` and receives the learner's code as
``submission``: the notebook's ``# setup`` cell followed by that exercise's cell. Failure
messages are written for the learner: the call, what was expected, what came back. Each
failing check names a failure hint from ``course/01_zen.toml``.

Simplicity is graded with measurable proxies: real ruff (complexity, nesting, swallowed
errors) and a small statement budget read from the cell's syntax tree. The simplicity
tests of is_leap and dedupe call the learner's function first, so an untouched starter
fails them with "not done yet" instead of passing the style checks by doing nothing.
"""

from __future__ import annotations

import ast
import codecs
import contextlib
import io
import runpy
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from zendo.grading import (
    Finding,
    attempt,
    cell_source,
    exercise,
    expect,
    fail,
    run_ruff,
    show,
    where_in_cell,
)

TITLE = "The Zen of Python, by Tim Peters"


def the_zen() -> list[str]:
    """The 19 aphorisms, decoded from the `this` module at grading time, never retyped."""
    with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the Zen
        import this
    return codecs.decode(this.s, "rot13").splitlines()[2:]


ZEN = the_zen()

# Hypothesis's "explain" phase re-runs a failing example many times to describe it, which
# costs over a second per failure; the learner's message already shows the input.
quick_to_fail = settings(phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink])


# ---------------------------------------------------------------------------------------
# Helpers shared by the tests
# ---------------------------------------------------------------------------------------


# What each ruff rule the graders select means, in one line for a learner.
RULE_MEANINGS = {
    "C901": "too many paths through one function (cyclomatic complexity)",
    "PLR0911": "too many return statements in one function",
    "PLR0912": "too many branches in one function",
    "PLR1702": "blocks nested too deep (an if in a for in an if ...)",
    "SIM102": "an `if` directly inside another `if` can be a single `if ... and ...`",
    "SIM103": "`if condition: return True` then `return False` is just `return condition`",
    "BLE001": "`except Exception` catches every error, your own bugs included",
    "S110": "`try`-`except`-`pass` throws an error away without a trace",
    "E722": "a bare `except:` catches everything, even Ctrl+C",
    "TRY203": "an `except` that only re-raises adds nothing: remove the `try`",
}

ruff_runs: dict[tuple[Path, str], list[Finding]] = {}


def ruff_findings(
    submission_path: Path, select: Sequence[str], extra_args: Sequence[str] = ()
) -> list[Finding]:
    """Real ruff on the learner's file, findings sorted by line; one run per rule set."""
    key = (submission_path.resolve(), ",".join([*select, *extra_args]))
    if key not in ruff_runs:
        run = run_ruff([submission_path], select=select, extra_args=extra_args)
        if run.exit_code not in (0, 1):  # 2: ruff itself failed; that is the course's fault
            raise RuntimeError(f"internal: ruff could not run: {run.output[:500]}")
        ruff_runs[key] = sorted(run.findings, key=lambda finding: (finding.line, finding.code))
    return ruff_runs[key]


def explain(finding: Finding, submission_path: Path, exercise_id: str) -> str:
    """One finding for a learner: where, the rule code, what it means, and the line."""
    lines = submission_path.read_text(encoding="utf-8").splitlines()
    code_line = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
    where = where_in_cell(submission_path, exercise_id, finding.line)
    meaning = RULE_MEANINGS.get(finding.code, finding.message)
    return f"on {where} (`{code_line}`): {finding.code}, {meaning}. Ruff says: {finding.message}"


def report_findings(
    findings: Sequence[Finding], submission_path: Path, exercise_id: str, *, hint: str
) -> None:
    """Fail with the first finding explained, and how many more there are."""
    if not findings:
        return
    more = len(findings) - 1
    fail(
        f"ruff finds {len(findings)} problem{'s' if len(findings) > 1 else ''} in your code. "
        f"First, {explain(findings[0], submission_path, exercise_id)}."
        + (f" ({more} more after this one.)" if more else ""),
        hint=hint,
    )


def statements_in_functions(tree: ast.Module) -> int:
    """Statements inside every function of the cell, not counting docstrings."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            for statement in body:
                count += sum(1 for inner in ast.walk(statement) if isinstance(inner, ast.stmt))
    return count


KISS_RULES = ["C901", "PLR0911", "PLR0912", "PLR1702", "SIM102", "SIM103"]
KISS_ARGS = ["--preview", "--config", "lint.mccabe.max-complexity=3"]
STATEMENT_BUDGET = 8


def check_kiss(submission_path: Path, exercise_id: str, name: str) -> None:
    """Simplicity, measured: ruff's complexity rules, then a statement budget, no classes."""
    findings = ruff_findings(submission_path, KISS_RULES, KISS_ARGS)
    needless_bool = [f for f in findings if f.code == "SIM103"]
    complex_ = [f for f in findings if f.code != "SIM103"]
    report_findings(complex_, submission_path, exercise_id, hint="kiss_complexity")
    report_findings(needless_bool, submission_path, exercise_id, hint="return_condition")
    tree = ast.parse(cell_source(submission_path, exercise_id))
    classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    expect(
        not classes,
        f"Your cell defines the class {classes[0] if classes else ''}; {name} needs no class. "
        "A function with a few lines says the same thing with fewer moving parts.",
        hint="kiss_budget",
    )
    count = statements_in_functions(tree)
    expect(
        count <= STATEMENT_BUDGET,
        f"The functions in your cell have {count} statements in all; the budget for "
        f"{name} is {STATEMENT_BUDGET}. A simpler shape exists.",
        hint="kiss_budget",
    )


# ---------------------------------------------------------------------------------------
# zen.zen
# ---------------------------------------------------------------------------------------


def zen_list(submission: ModuleType) -> list[str]:
    """zen() must return a list of strings."""
    got = submission.zen()
    expect(
        isinstance(got, list) and all(isinstance(item, str) for item in got),
        f"zen() returned {show(got)}; expected a list of 19 strings.",
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
def test_zen_has_nineteen_aphorisms(submission: ModuleType) -> None:
    check_count(zen_list(submission))


@exercise("zen.zen", title="Each aphorism reads exactly as the `this` module has it")
def test_zen_matches_this_module(submission: ModuleType) -> None:
    got = zen_list(submission)
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


@exercise("zen.zen", title="Running the cell and calling zen() print nothing")
def test_zen_prints_nothing(submission: ModuleType, submission_path: Path) -> None:
    # The cell ran once already when it was loaded, and `this` prints only when it is
    # first imported, so forget it and run the whole file again with stdout captured.
    sys.modules.pop("this", None)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        runpy.run_path(str(submission_path), run_name="zen_rerun")
    check_silent(printed.getvalue(), "Running your cell")
    sys.modules.pop("this", None)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        submission.zen()
    check_silent(printed.getvalue(), "Calling zen()")


def check_silent(printed: str, doing: str) -> None:
    lines = printed.splitlines()
    expect(
        not printed,
        f"{doing} printed {len(lines)} line{'s' if len(lines) != 1 else ''}, starting with "
        f"{show(lines[0] if lines else printed)}; it must print nothing.",
        hint="import_side_effect",
    )


@exercise("zen.zen", title="Each call returns a new list")
def test_zen_returns_a_new_list(submission: ModuleType) -> None:
    first = zen_list(submission)
    before = list(first)
    first.clear()  # what a caller might do with the result
    second = zen_list(submission)
    expect(
        second is not first and second == before,
        "zen() returned the same list object twice: after a caller cleared the first "
        f"result, the second call returned {show(second)}. Each call must build a new list.",
        hint="fresh_list",
    )


# ---------------------------------------------------------------------------------------
# zen.parse_order
# ---------------------------------------------------------------------------------------

Raw = dict[str, Any]


def order(submission: ModuleType, order_id: str, email: str, *items: tuple[str, int]) -> Any:
    """The Order the learner's parse_order should build, made with the cell's own classes."""
    return submission.Order(
        order_id, email, tuple(submission.Item(sku, quantity) for sku, quantity in items)
    )


def pen_order(**changes: object) -> Raw:
    """A valid two-item order, with top-level keys replaced (a value of ... removes one)."""
    raw: Raw = {
        "id": "A-1001",
        "customer": {"email": "ada@example.com"},
        "items": [{"sku": "PEN", "quantity": 2}, {"sku": "INK", "quantity": 1}],
    }
    for key, value in changes.items():
        if value is ...:
            del raw[key]
        else:
            raw[key] = value
    return raw


# (raw order, the field its OrderError must name, why it is wrong) - one problem each.
MISSING_FIELDS: list[tuple[Raw, str, str]] = [
    (pen_order(id=...), "id", "the order has no id"),
    (pen_order(customer=...), "customer", "the order has no customer"),
    (pen_order(customer={"name": "Ada"}), "customer.email", "the customer has no email"),
    (pen_order(items=...), "items", "the order has no items"),
    (
        pen_order(items=[{"sku": "PEN", "quantity": 2}, {"quantity": 1}]),
        "items[1].sku",
        "the second item has no sku",
    ),
    (pen_order(items=[{"sku": "PEN"}]), "items[0].quantity", "the item has no quantity"),
]

BAD_VALUES: list[tuple[Raw, str, str]] = [
    (pen_order(id=""), "id", "an empty id identifies nothing"),
    (pen_order(id=1001), "id", "the id must be a string"),
    (pen_order(customer="ada@example.com"), "customer", "customer must be an object"),
    (pen_order(customer={"email": "ada.example.com"}), "customer.email", "an email has an @"),
    (pen_order(items=[]), "items", "an order needs at least one item"),
    (pen_order(items="PEN"), "items", "items must be a list"),
    (pen_order(items=["PEN"]), "items[0]", "each item must be an object"),
    (pen_order(items=[{"sku": "", "quantity": 1}]), "items[0].sku", "an empty sku"),
    (
        pen_order(items=[{"sku": "PEN", "quantity": 1}, {"sku": "INK", "quantity": 0}]),
        "items[1].quantity",
        "a quantity must be at least 1",
    ),
    (
        pen_order(items=[{"sku": "PEN", "quantity": "2"}]),
        "items[0].quantity",
        'the text "2" is not a number: do not guess',
    ),
    (
        pen_order(items=[{"sku": "PEN", "quantity": 2.5}]),
        "items[0].quantity",
        "half a pen cannot be ordered",
    ),
    (
        pen_order(items=[{"sku": "PEN", "quantity": True}]),
        "items[0].quantity",
        "True is a bool, not a count: do not guess",
    ),
]


def parse_call(raw: object) -> str:
    return f"parse_order({show(raw)})"


def rejection(submission: ModuleType, raw: Raw, field: str, why: str) -> Exception:
    """parse_order(raw) must raise OrderError; return it, or fail with the right hint."""
    outcome = attempt(lambda: submission.parse_order(raw))
    shown = f"{parse_call(raw)} {outcome.describe()}; expected OrderError for {field!r} ({why})"
    if outcome.error is None and outcome.value is None:
        fail(shown + ".", hint="refuse_to_guess")
    if outcome.error is None:
        fail(shown + ".", hint="validate_every_field")
    expect(
        isinstance(outcome.error, submission.OrderError),
        shown + ". Callers catch one documented exception, not whatever broke inside.",
        hint="order_error",
    )
    return outcome.error


def field_of(error: Exception) -> object:
    return getattr(error, "field", None)


@exercise("zen.parse_order", title="Valid orders become Order objects")
def test_parse_order_accepts_valid_orders(submission: ModuleType) -> None:
    cases = [
        (pen_order(), order(submission, "A-1001", "ada@example.com", ("PEN", 2), ("INK", 1))),
        (
            {
                "id": "B-7",
                "customer": {"email": "grace@example.org", "name": "Grace"},
                "items": [{"sku": "PAD", "quantity": 12, "colour": "blue"}],
                "note": "gift wrap",
            },
            order(submission, "B-7", "grace@example.org", ("PAD", 12)),
        ),
        (
            pen_order(items=[{"sku": "PEN", "quantity": 1}, {"sku": "PEN", "quantity": 3}]),
            order(submission, "A-1001", "ada@example.com", ("PEN", 1), ("PEN", 3)),
        ),
    ]
    for raw, expected in cases:
        outcome = attempt(lambda raw=raw: submission.parse_order(raw))
        expect(
            outcome.error is None and outcome.value == expected,
            f"{parse_call(raw)} {outcome.describe()}; expected {show(expected)}.",
            hint="valid_order",
        )


@exercise("zen.parse_order", title="Bad orders raise OrderError, never a guess")
def test_parse_order_rejects_bad_orders_loudly(submission: ModuleType) -> None:
    for raw, field, why in MISSING_FIELDS + BAD_VALUES:
        rejection(submission, raw, field, why)


@exercise("zen.parse_order", title="OrderError names the missing field by its path")
def test_parse_order_names_the_missing_field(submission: ModuleType) -> None:
    errors = [rejection(submission, raw, field, why) for raw, field, why in MISSING_FIELDS]
    named = {field_of(error) for error in errors}
    for (raw, field, why), error in zip(MISSING_FIELDS, errors, strict=True):
        if field_of(error) == field:
            continue
        message = (
            f"{parse_call(raw)} raised OrderError naming the field {field_of(error)!r}; "
            f"expected {field!r} ({why})."
        )
        if len(named) == 1:
            fail(
                message + f" Every missing field is reported as {field_of(error)!r}.",
                hint="broad_catch",
            )
        fail(message, hint="field_path")


@exercise("zen.parse_order", title="OrderError names the field with a bad value")
def test_parse_order_names_the_bad_field(submission: ModuleType) -> None:
    for raw, field, why in BAD_VALUES:
        error = rejection(submission, raw, field, why)
        expect(
            field_of(error) == field,
            f"{parse_call(raw)} raised OrderError naming the field {field_of(error)!r}; "
            f"expected {field!r} ({why}).",
            hint="field_path",
        )


# The grader's own statement of the rules, used to judge random input.
def broken_fields(raw: Raw) -> list[str]:
    """Every field of raw that breaks a rule; empty when raw is a valid order."""

    def bad_text(value: object) -> bool:
        return not isinstance(value, str) or not value

    broken = []
    if bad_text(raw.get("id")):
        broken.append("id")
    customer = raw.get("customer")
    if not isinstance(customer, dict):
        broken.append("customer")
    elif bad_text(customer.get("email")) or "@" not in customer["email"]:
        broken.append("customer.email")
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        return [*broken, "items"]
    for index, item in enumerate(items):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            broken.append(path)
            continue
        if bad_text(item.get("sku")):
            broken.append(f"{path}.sku")
        quantity = item.get("quantity")
        if type(quantity) is not int or quantity < 1:
            broken.append(f"{path}.quantity")
    return broken


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.text("ab@", max_size=3),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["email", "sku", "quantity"]), inner, max_size=2)
    ),
    max_leaves=4,
)
raw_items = st.fixed_dictionaries(
    {},
    optional={
        "sku": st.just("PEN") | json_values,
        "quantity": st.integers(-1, 4) | json_values,
    },
)
raw_orders = st.fixed_dictionaries(
    {},
    optional={
        "id": st.just("A-1") | json_values,
        "customer": st.fixed_dictionaries({}, optional={"email": st.just("a@b.c") | json_values})
        | json_values,
        "items": st.lists(raw_items | json_values, min_size=1, max_size=3) | json_values,
    },
)


@exercise("zen.parse_order", title="Any input is judged by the order rules")
@quick_to_fail
@given(raw=raw_orders)
def test_parse_order_agrees_with_the_rules_on_any_input(submission: ModuleType, raw: Raw) -> None:
    broken = broken_fields(raw)
    if broken:
        error = rejection(submission, raw, broken[0], "see the rules in the task")
        expect(
            field_of(error) in broken,
            f"{parse_call(raw)} raised OrderError naming the field {field_of(error)!r}; "
            f"expected one of the fields that break the rules: {', '.join(broken)}.",
            hint="field_path",
        )
        return
    expected = order(
        submission,
        raw["id"],
        raw["customer"]["email"],
        *((item["sku"], item["quantity"]) for item in raw["items"]),
    )
    outcome = attempt(lambda: submission.parse_order(raw))
    expect(
        outcome.error is None and outcome.value == expected,
        f"{parse_call(raw)} {outcome.describe()}; expected {show(expected)}.",
        hint="valid_order",
    )


PARSE_RULES = ["C901", "PLR0912", "PLR1702", "SIM102", "BLE001", "S110", "E722", "TRY203"]
PARSE_ARGS = [
    "--preview",  # PLR1702 is a preview rule in ruff 0.17
    "--config",
    "lint.mccabe.max-complexity=5",
    "--config",
    "lint.pylint.max-nested-blocks=3",
]
SILENCING = {"BLE001", "S110", "E722", "TRY203"}


@exercise("zen.parse_order", title="No error passes silently")
def test_parse_order_never_swallows_errors(submission: ModuleType, submission_path: Path) -> None:
    findings = ruff_findings(submission_path, PARSE_RULES, PARSE_ARGS)
    silencing = [f for f in findings if f.code in SILENCING]
    report_findings(silencing, submission_path, "zen.parse_order", hint="silent_errors")


@exercise("zen.parse_order", title="The code is flat, not nested")
def test_parse_order_is_flat(submission: ModuleType, submission_path: Path) -> None:
    findings = ruff_findings(submission_path, PARSE_RULES, PARSE_ARGS)
    nesting = [f for f in findings if f.code not in SILENCING]
    report_findings(nesting, submission_path, "zen.parse_order", hint="flatten")


# ---------------------------------------------------------------------------------------
# zen.is_leap
# ---------------------------------------------------------------------------------------


def leap_truth(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def check_year(submission: ModuleType, year: int) -> object:
    expected = leap_truth(year)
    got = submission.is_leap(year)
    if got == expected:
        return got
    message = f"is_leap({year}) returned {show(got)}; expected {expected}"
    if year % 400 == 0:
        fail(message + f": {year} is divisible by 400, so it is a leap year.", hint="four_hundred")
    if year % 100 == 0:
        fail(
            message + f": {year} is a century year not divisible by 400, so it is not a leap year.",
            hint="century_rule",
        )
    fail(message + ".", hint="every_fourth_year")


@exercise("zen.is_leap", title="Known leap and common years")
def test_is_leap_known_years(submission: ModuleType) -> None:
    for year in [2024, 2023, 1996, 1, 4, 1900, 2100, 1800, 2000, 1600, 2400]:
        check_year(submission, year)


@exercise("zen.is_leap", title="Agrees with the calendar for any year")
@quick_to_fail
@given(year=st.integers(min_value=1, max_value=9999))
def test_is_leap_agrees_with_the_calendar(submission: ModuleType, year: int) -> None:
    check_year(submission, year)


@exercise("zen.is_leap", title="Returns True or False, not a number")
def test_is_leap_returns_a_bool(submission: ModuleType) -> None:
    for year in [2024, 2023, 1900, 2000]:
        got = submission.is_leap(year)
        expect(
            type(got) is bool,
            f"is_leap({year}) returned {show(got)}, a {type(got).__name__}; expected "
            f"{leap_truth(year)}, a bool.",
            hint="return_bool",
        )


@exercise("zen.is_leap", title="Simple: one plain rule, no class")
def test_is_leap_is_simple(submission: ModuleType, submission_path: Path) -> None:
    submission.is_leap(2000)  # not done yet fails here, before the style checks
    check_kiss(submission_path, "zen.is_leap", "is_leap")


# ---------------------------------------------------------------------------------------
# zen.dedupe
# ---------------------------------------------------------------------------------------


def dedupe_list(submission: ModuleType, items: object, shown: str) -> list[Any]:
    outcome = attempt(lambda: submission.dedupe(items))
    expect(
        outcome.error is None,
        f"dedupe({shown}) {outcome.describe()}; dedupe takes any iterable, and may walk "
        "through it only once.",
        hint="one_pass",
    )
    got = outcome.value
    expect(
        isinstance(got, list),
        f"dedupe({shown}) returned {show(got)}, a {type(got).__name__}; expected a list.",
        hint="return_list",
    )
    assert isinstance(got, list)
    return got


def check_dedupe(submission: ModuleType, items: list[Any]) -> None:
    expected = list(dict.fromkeys(items))
    got = dedupe_list(submission, list(items), show(items))
    if got == expected:
        return
    message = f"dedupe({show(items)}) returned {show(got)}; expected {show(expected)}"
    if sorted(map(repr, got)) == sorted(map(repr, expected)):
        fail(message + ": the right items, in the wrong order.", hint="keep_order")
    fail(message + ": each distinct item once, in the order first seen.", hint="each_once")


@exercise("zen.dedupe", title="Keeps items in first-seen order, as a list")
def test_dedupe_keeps_first_seen_order(submission: ModuleType) -> None:
    for items in [
        [3, 1, 3, 2, 1],
        [5, 4, 3, 2, 1, 5],
        [],
        [7, 7, 7],
        ["pear", "apple", "pear", "fig"],
        [(1, 2), (0, 0), (1, 2)],
    ]:
        check_dedupe(submission, items)


@exercise("zen.dedupe", title="Right for any list")
@quick_to_fail
@given(items=st.lists(st.integers(0, 9) | st.sampled_from(["a", "b", "c"]), max_size=30))
def test_dedupe_matches_the_rule_on_any_list(submission: ModuleType, items: list[Any]) -> None:
    check_dedupe(submission, items)


@exercise("zen.dedupe", title="Keeps the first of equal items")
def test_dedupe_keeps_the_first_object(submission: ModuleType) -> None:
    # 1, 1.0 and True are equal (and hash alike), so only the first one seen is kept.
    items = [1, 1.0, True, "1"]
    got = dedupe_list(submission, items, show(items))
    expect(
        [(type(item), item) for item in got] == [(int, 1), (str, "1")],
        f"dedupe({show(items)}) returned {show(got)}; expected [1, '1']: 1, 1.0 and True are "
        "equal, and the one kept is the first seen, the int 1.",
        hint="first_occurrence",
    )


@exercise("zen.dedupe", title="Works on any iterable, in one pass")
def test_dedupe_accepts_any_iterable(submission: ModuleType) -> None:
    cases: list[tuple[Callable[[], object], str, list[Any]]] = [
        (lambda: (n % 3 for n in range(7)), "(n % 3 for n in range(7))", [0, 1, 2]),
        (lambda: (2, 1, 2), "(2, 1, 2)", [2, 1]),
        (lambda: "banana", "'banana'", ["b", "a", "n"]),
        (lambda: iter([4, 4, 5]), "iter([4, 4, 5])", [4, 5]),
    ]
    for make, shown, expected in cases:
        got = dedupe_list(submission, make(), shown)
        if got == expected:
            continue
        message = f"dedupe({shown}) returned {show(got)}; expected {expected!r}"
        if sorted(map(repr, got)) == sorted(map(repr, expected)):
            fail(message + ": the right items, in the wrong order.", hint="keep_order")
        fail(message + ": an iterator can be walked only once.", hint="one_pass")


def check_result(got: object, shown: str, expected: list[Any]) -> None:
    expect(
        isinstance(got, list),
        f"{shown} returned {show(got)}, a {type(got).__name__}; expected a list.",
        hint="return_list",
    )
    expect(
        got == expected,
        f"{shown} returned {show(got)}; expected {show(expected)}.",
        hint="each_once",
    )


class TooMuchWork(BaseException):
    """Stops a dedupe that does far more work than one pass needs (learners cannot catch it)."""


@dataclass
class Tally:
    """How many == comparisons a dedupe made, and how many it may make."""

    budget: int
    comparisons: int = 0


class Counted:
    """An item that counts the == comparisons made on it, and stops past the budget.

    The count lives in a Tally made per check, not on the class: the engine treats a
    changed class attribute of a grader as tampering.
    """

    def __init__(self, value: int, tally: Tally) -> None:
        self.value = value
        self.tally = tally

    def __hash__(self) -> int:
        return hash(self.value)

    def __eq__(self, other: object) -> bool:
        self.tally.comparisons += 1
        if self.tally.comparisons > self.tally.budget:
            raise TooMuchWork
        return isinstance(other, Counted) and self.value == other.value

    def __repr__(self) -> str:
        return f"Counted({self.value})"


def check_comparisons(submission: ModuleType) -> None:
    """dedupe must not compare each item with many others: count its == comparisons."""
    distinct = 2000
    tally = Tally(budget=20 * distinct)
    items = [Counted(n % distinct, tally) for n in range(2 * distinct)]  # each value twice
    budget = tally.budget
    got: object = None
    stopped = False
    try:
        got = submission.dedupe(items)
    except TooMuchWork:
        stopped = True  # fail below, outside the except block: no chained traceback
    finally:
        tally.budget = sys.maxsize  # the grader's own comparisons below are free
    expect(
        not stopped,
        f"dedupe() on {len(items):,} items ({distinct:,} distinct) made more than "
        f"{budget:,} == comparisons before the check stopped it. It compares each item "
        "with many others, so its work grows with the square of the input: 10 times more "
        "items, 100 times slower.",
        hint="linear_time",
    )
    expected = [Counted(n, tally) for n in range(distinct)]
    check_result(got, f"dedupe() on {len(items):,} items", expected)


@exercise("zen.dedupe", title="Compares each item only a few times")
def test_dedupe_is_linear(submission: ModuleType) -> None:
    check_comparisons(submission)


class TooSlow(BaseException):
    """Raised by the grader's alarm inside a dedupe that runs past its time budget."""


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise TooSlow after `seconds`, then give the engine back its own alarm.

    The engine's per-test limit uses the same timer (SIGALRM); it is restored on the way
    out with the time it had left.
    """

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise TooSlow

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            left = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


@exercise("zen.dedupe", title="Handles 200,000 items quickly")
def test_dedupe_handles_200k_items_quickly(submission: ModuleType) -> None:
    # First the cheap comparison count: a quadratic dedupe spends its time inside C code
    # (list.index, `in`), where no alarm can interrupt it before it finishes.
    check_comparisons(submission)
    items = list(range(100_000)) * 2
    budget = 2.0  # a one-pass dedupe needs about 0.02 s here
    got: object = None
    stopped = False
    try:
        with time_budget(budget):
            got = submission.dedupe(items)
    except TooSlow:
        # Fail below, outside the except block: a traceback through the interrupted
        # learner frame can carry no line number, which pytest cannot format.
        stopped = True
    expect(
        not stopped,
        f"dedupe() on {len(items):,} items (100,000 distinct) was still running after "
        f"{budget:g} seconds; one pass over the items takes a few hundredths of a second.",
        hint="linear_time",
    )
    check_result(got, "dedupe(list(range(100000)) * 2)", list(range(100_000)))


@exercise("zen.dedupe", title="Simple: a few lines, no class")
def test_dedupe_is_simple(submission: ModuleType, submission_path: Path) -> None:
    submission.dedupe([1, 1])  # not done yet fails here, before the style checks
    check_kiss(submission_path, "zen.dedupe", "dedupe")
