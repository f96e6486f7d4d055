"""Graders of zen.parse_order: valid orders parse, bad ones raise OrderError naming the field.

Fixed tables of valid, missing and bad fields run first; then a property judges random
input against the grader's own statement of the rules (`zen_orders.broken_fields`). The
style checks read the cell's source with ruff, from the trusted side.
"""

from __future__ import annotations

import ast

from hypothesis import example
from zen_helpers import report_findings, ruff_findings
from zen_orders import (
    BAD_VALUES,
    MISSING_FIELDS,
    Raw,
    broken_fields,
    expect_order,
    field_of,
    order,
    parse_call,
    pen_order,
    raw_orders,
    rejection,
)

from zendo.judge import Learner, Submitted, exercise, expect, fail, property_test

VALID_CASES = [
    (pen_order(), order("A-1001", "ada@example.com", ("PEN", 2), ("INK", 1))),
    (
        {
            "id": "B-7",
            "customer": {"email": "grace@example.org", "name": "Grace"},
            "items": [{"sku": "PAD", "quantity": 12, "colour": "blue"}],
            "note": "gift wrap",
        },
        order("B-7", "grace@example.org", ("PAD", 12)),
    ),
    (
        pen_order(items=[{"sku": "PEN", "quantity": 1}, {"sku": "PEN", "quantity": 3}]),
        order("A-1001", "ada@example.com", ("PEN", 1), ("PEN", 3)),
    ),
]


@exercise("zen.parse_order", title="Valid orders become Order objects")
def test_parse_order_accepts_valid_orders(learner: Learner) -> None:
    for raw, expected in VALID_CASES:
        expect_order(learner, raw, expected)


@exercise("zen.parse_order", title="Bad orders raise OrderError, never a guess")
def test_parse_order_rejects_bad_orders_loudly(learner: Learner) -> None:
    for raw, field, why in MISSING_FIELDS + BAD_VALUES:
        rejection(learner, raw, field, why)


@exercise("zen.parse_order", title="OrderError names the missing field by its path")
def test_parse_order_names_the_missing_field(learner: Learner) -> None:
    for raw, field, why in MISSING_FIELDS:
        rejection(learner, raw, field, why)
    named = [field_of(learner, raw) for raw, _, _ in MISSING_FIELDS]
    distinct = {repr(name) for name in named}
    for (raw, field, why), name in zip(MISSING_FIELDS, named, strict=True):
        if type(name) is str and name == field:
            continue
        message = (
            f"{parse_call(raw)} raised OrderError naming the field {name!r}; "
            f"expected {field!r} ({why})."
        )
        if len(distinct) == 1:
            fail(message + f" Every missing field is reported as {name!r}.", hint="broad_catch")
        fail(message, hint="field_path")


@exercise("zen.parse_order", title="OrderError names the field with a bad value")
def test_parse_order_names_the_bad_field(learner: Learner) -> None:
    for raw, field, why in BAD_VALUES:
        rejection(learner, raw, field, why)
        name = field_of(learner, raw)
        expect(
            type(name) is str and name == field,
            f"{parse_call(raw)} raised OrderError naming the field {name!r}; "
            f"expected {field!r} ({why}).",
            hint="field_path",
        )


@exercise("zen.parse_order", title="Any input is judged by the order rules")
@property_test("quick", raw=raw_orders)
# Two problems each: the first in the table's order is named, and each item is checked in
# full before the next.
@example(raw=pen_order(id="", customer="ada@example.com"))
@example(raw=pen_order(customer={"email": "ada.example.com"}, items=[]))
@example(raw=pen_order(items=[{"sku": "PEN", "quantity": 0}, "INK"]))
@example(raw=pen_order(items=[{"quantity": 1}, {"sku": "INK", "quantity": "2"}]))
@example(raw=pen_order(items=["PEN", {"sku": "", "quantity": 0}]))
def test_parse_order_agrees_with_the_rules_on_any_input(learner: Learner, raw: Raw) -> None:
    broken = broken_fields(raw)
    if broken:
        rejection(learner, raw, broken[0], "see the rules in the task")
        name = field_of(learner, raw)
        expect(
            type(name) is str and name in broken,
            f"{parse_call(raw)} raised OrderError naming the field {name!r}; "
            f"expected one of the fields that break the rules: {', '.join(broken)}.",
            hint="field_path",
        )
        expect(
            name == broken[0],
            f"{parse_call(raw)} raised OrderError naming the field {name!r}; expected "
            f"{broken[0]!r}, the first of {', '.join(broken)} in the order the task checks "
            "them: the table's order, each item in full before the next.",
            hint="check_order",
        )
        return
    expected = order(
        raw["id"],
        raw["customer"]["email"],
        *((item["sku"], item["quantity"]) for item in raw["items"]),
    )
    expect_order(learner, raw, expected)


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
def test_parse_order_never_swallows_errors(submitted: Submitted) -> None:
    findings = ruff_findings(submitted, PARSE_RULES, PARSE_ARGS)
    silencing = [f for f in findings if f.code in SILENCING]
    report_findings(silencing, submitted, hint="silent_errors")


@exercise("zen.parse_order", title="The code is flat, not nested")
def test_parse_order_is_flat(submitted: Submitted) -> None:
    findings = ruff_findings(submitted, PARSE_RULES, PARSE_ARGS)
    nesting = [f for f in findings if f.code not in SILENCING]
    report_findings(nesting, submitted, hint="flatten")


def none_in_annotation(annotation: ast.expr | None) -> bool:
    """Whether a return annotation lets the function return None (`X | None`, `Optional`)."""
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body  # a quoted annotation
        except SyntaxError:
            return False
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and node.value is None:
            return True
        if isinstance(node, ast.Name | ast.Attribute) and (
            getattr(node, "id", None) == "Optional" or getattr(node, "attr", None) == "Optional"
        ):
            return True
    return False


@exercise("zen.parse_order", title="Its annotation says it never returns None")
def test_parse_order_annotation_never_returns_none(submitted: Submitted) -> None:
    tree = ast.parse(submitted.source)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.FunctionDef)
            and node.name == "parse_order"
            and none_in_annotation(node.returns)
        ):
            assert node.returns is not None  # for the type checker: none_in_annotation saw it
            fail(
                f"On {submitted.where(node.lineno)}, parse_order is annotated "
                f"`-> {ast.unparse(node.returns)}`, but its contract is that it never "
                "returns None: it returns an Order or raises OrderError. Annotate that, "
                "`-> Order`, so no caller checks for a None that must never come.",
                hint="honest_annotation",
            )
