"""Graders for the code-quality exercises (solutions/02_code_quality.ipynb).

Every test is tied to one exercise with ``@exercise`` and receives the learner's code as
``submission`` (the ``# setup`` cell followed by the exercise cell). The tool checks read
the exercise cell alone, written to a file of its own from its ``# exercise:`` line on, so
that a finding's line number is a line number of the cell and the setup cell's imports
never count against the learner.

The tools are the pinned ruff and mypy, always with explicit settings: ruff with an
explicit ``--select`` and ``--ignore-noqa``, mypy with ``--strict`` and
``--warn-unused-ignores``. mypy runs once per exercise and submission (about 1.5 seconds
cold); both mypy tests of an exercise read that one run. Findings reach the learner as a
rule code, what it means, and the learner's own line, never as raw tool output.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from zendo.grading import (
    MAX_SHOWN,
    Finding,
    Outcome,
    ToolRun,
    attempt,
    cell_source,
    exercise,
    expect,
    fail,
    run_mypy,
    run_ruff,
    show,
)

MAX_LISTED = 3


# ---------------------------------------------------------------------------------------
# Helpers shared by the tests
# ---------------------------------------------------------------------------------------


def write_cell(submission_path: Path, exercise_id: str, folder: str, name: str) -> Path:
    """Write the exercise cell into its own folder as `name`; return the file's path."""
    directory = submission_path.parent / folder
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(cell_source(submission_path, exercise_id), encoding="utf-8")
    return path


def line_of(path: Path, number: int) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def run_ruff_command(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the pinned ruff with fixed arguments (no shell), for what `run_ruff` does not do."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def short(message: str) -> str:
    """A tool's message cut to its first sentence when it is long."""
    if len(message) <= MAX_SHOWN:
        return message
    first, _, _ = message.partition(". ")
    return first if len(first) <= MAX_SHOWN else first[: MAX_SHOWN - 4] + " ..."


def in_file(findings: Iterable[Finding], name: str) -> list[Finding]:
    return sorted((f for f in findings if Path(f.path).name == name), key=lambda f: f.line)


# ---------------------------------------------------------------------------------------
# quality.ruff_clean
# ---------------------------------------------------------------------------------------

RUFF_CLEAN_SELECT = ["E", "F", "B", "BLE", "I", "UP", "G", "LOG", "SIM"]
RUFF_CLEAN_COMMAND = f"ruff check --select {','.join(RUFF_CLEAN_SELECT)} --ignore-noqa"


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


def describe_findings(
    path: Path, findings: Sequence[Finding], rule: Callable[[Finding], Rule]
) -> str:
    listed = [
        f"line {f.line}: {f.code} ({rule(f).meaning}): `{line_of(path, f.line)}`"
        for f in findings[:MAX_LISTED]
    ]
    more = len(findings) - MAX_LISTED
    return "; ".join(listed) + (f"; and {more} more" if more > 0 else "")


@exercise("quality.ruff_clean", title="`ruff check` finds nothing")
def test_ruff_clean_passes_ruff_check(submission: ModuleType, submission_path: Path) -> None:
    path = write_cell(submission_path, "quality.ruff_clean", "ruff_clean", "orders.py")
    run = run_ruff([path], select=RUFF_CLEAN_SELECT)
    findings = sorted(run.findings, key=lambda f: (f.line, f.code))
    if not findings and run.exit_code == 0:
        return
    if not findings:
        fail(
            f"ruff could not check your cell (exit code {run.exit_code}); run the cell to "
            "see that it is valid Python, then check again.",
            hint="ruff_findings",
        )
    count = f"{len(findings)} problem{'s' if len(findings) > 1 else ''}"
    silenced = [f for f in findings if "noqa" in line_of(path, f.line)]
    if silenced:
        fail(
            f"`{RUFF_CLEAN_COMMAND}` still finds {count}: your `# noqa` comments hide "
            "findings, they do not fix them. " + describe_findings(path, silenced, ruff_rule) + ".",
            hint="noqa_ignored",
        )
    first = ruff_rule(findings[0])
    fail(
        f"`{RUFF_CLEAN_COMMAND}` finds {count} in your cell: "
        + describe_findings(path, findings, ruff_rule)
        + ".",
        hint=first.hint,
    )


HUNK = re.compile(r"^@@ -(?P<start>\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


def first_format_change(diff: str) -> str:
    """The first change in a unified diff from `ruff format --diff`, for a learner."""
    old_line = 0
    in_hunk = False
    removed: tuple[int, str] | None = None
    for line in diff.splitlines():
        match = HUNK.match(line)
        if match:
            if in_hunk:
                break
            in_hunk, old_line = True, int(match["start"])
            continue
        if not in_hunk:
            continue
        if line.startswith("-"):
            if removed is not None:
                break
            removed = (old_line, line[1:])
            old_line += 1
        elif line.startswith("+"):
            new = line[1:]
            if removed is not None:
                number, old = removed
                return f"line {number} `{old.strip()}` would become `{new.strip()}`"
            if not new.strip():
                return f"a blank line would be added before line {old_line}"
            return f"`{new.strip()}` would be added before line {old_line}"
        elif removed is not None:
            break
        else:
            old_line += 1
    if removed is not None:
        number, old = removed
        if not old.strip():
            return f"the blank line {number} would be removed"
        return f"line {number} `{old.strip()}` would be removed"
    return "the layout would change"


@exercise("quality.ruff_clean", title="`ruff format --check` is happy")
def test_ruff_clean_is_formatted(submission: ModuleType, submission_path: Path) -> None:
    path = write_cell(submission_path, "quality.ruff_clean", "ruff_format", "orders.py")
    result = run_ruff_command(
        "format", "--isolated", "--no-cache", "--check", "--diff", path.name, cwd=path.parent
    )
    if result.returncode == 0:
        return
    if result.returncode != 1:
        fail(
            "`ruff format` could not read your cell; run the cell to see that it is valid "
            "Python, then check again.",
            hint="run_the_formatter",
        )
    fail(
        "`ruff format --check` would reformat your cell: "
        + first_format_change(result.stdout)
        + ". Format the code with `ruff format` rather than by hand.",
        hint="run_the_formatter",
    )


@exercise("quality.ruff_clean", title="add_tag gives every call its own list")
def test_ruff_clean_add_tag_gives_each_call_a_new_list(submission: ModuleType) -> None:
    first = attempt(lambda: submission.add_tag("gift"))
    if isinstance(first.error, AttributeError) and "NoneType" in str(first.error):
        fail(
            f"add_tag('gift') {first.describe()}; expected ['gift']. With `tags=None` as the "
            "default, the function must make a new list itself when no list is given.",
            hint="none_default",
        )
    expect(
        first.error is None and first.value == ["gift"],
        f"add_tag('gift') {first.describe()}; expected ['gift'].",
        hint="keep_behaviour",
    )
    second = attempt(lambda: submission.add_tag("fragile"))
    expect(
        second.error is None and second.value == ["fragile"],
        f"add_tag('gift') then add_tag('fragile'): the second call {second.describe()}; "
        "expected ['fragile']. Each call without a list must start from a new, empty one.",
        hint="shared_default",
    )
    tags = ["gift"]
    outcome = attempt(lambda: submission.add_tag("fragile", tags))
    expect(
        outcome.error is None and outcome.value is tags and tags == ["gift", "fragile"],
        f"add_tag('fragile', tags) with tags = ['gift'] {outcome.describe()} and left tags "
        f"as {show(tags)}; expected it to append to the caller's list and return that list.",
        hint="keep_behaviour",
    )
    empty: list[str] = []
    outcome = attempt(lambda: submission.add_tag("gift", empty))
    expect(
        outcome.error is None and outcome.value is empty and empty == ["gift"],
        f"add_tag('gift', tags) with tags = [] {outcome.describe()} and left tags as "
        f"{show(empty)}; expected ['gift'] in the caller's own list, as the original did. "
        "An empty list is false, but it is not None.",
        hint="falsy_default",
    )


class PressesCtrlC:
    """An argument whose conversion to int is interrupted, as if the user pressed Ctrl-C."""

    def __int__(self) -> int:
        raise KeyboardInterrupt

    def __repr__(self) -> str:
        return "<a value whose conversion is interrupted by Ctrl-C>"


def check_parse_quantity(submission: ModuleType) -> None:
    for text, expected in [("3", 3), (" 12 ", 12), ("-2", -2), ("x", None), ("", None)]:
        outcome = attempt(lambda text=text: submission.parse_quantity(text))
        expect(
            outcome.error is None,
            f"parse_quantity({text!r}) {outcome.describe()}; the original returned {expected!r}.",
            hint="catch_what_you_expect",
        )
        expect(
            outcome.value == expected and type(outcome.value) is type(expected),
            f"parse_quantity({text!r}) {outcome.describe()}; expected {expected!r}.",
            hint="keep_behaviour",
        )
    try:
        outcome = attempt(lambda: submission.parse_quantity(PressesCtrlC()))
    except KeyboardInterrupt:
        return
    fail(
        f"parse_quantity() on a value whose conversion is interrupted by Ctrl-C "
        f"{outcome.describe()}; expected the KeyboardInterrupt to go through. A bare "
        "`except:` swallows it, and then the user cannot stop the program.",
        hint="catch_what_you_expect",
    )


def check_is_paid(submission: ModuleType) -> None:
    for paid, expected in [(1, True), (0, False), (True, True), (False, False)]:
        outcome = attempt(lambda paid=paid: submission.is_paid({"paid": paid}))
        shown = f"is_paid({{'paid': {paid!r}}})"
        if outcome.error is None and outcome.value == expected and outcome.value is not expected:
            fail(
                f"{shown} {outcome.describe()} (of type {type(outcome.value).__name__}); expected "
                f"{expected}. The original `== True` gave a bool; returning the raw flag "
                "is what ruff's unsafe fix for E712 does.",
                hint="unsafe_fix",
            )
        expect(
            outcome.error is None and outcome.value is expected,
            f"{shown} {outcome.describe()}; expected {expected}.",
            hint="keep_behaviour",
        )


def check_describe(submission: ModuleType) -> None:
    for order, expected in [
        ({"sku": "A-1", "quantity": 2}, "A-1 x 2"),
        ({"sku": "B-7", "quantity": 10, "coupon": "SPRING"}, "B-7 x 10 (coupon SPRING)"),
        ({"sku": "C-3", "quantity": 1, "coupon": None}, "C-3 x 1"),
    ]:
        outcome = attempt(lambda order=order: submission.describe(dict(order)))
        expect(
            outcome.error is None and outcome.value == expected,
            f"describe({order!r}) {outcome.describe()}; expected {expected!r}.",
            hint="keep_behaviour",
        )


@exercise("quality.ruff_clean", title="The fixed functions still behave as before")
def test_ruff_clean_functions_keep_behaviour(submission: ModuleType) -> None:
    check_is_paid(submission)
    check_describe(submission)
    check_parse_quantity(submission)


@exercise("quality.ruff_clean", title="ship returns the same JSON and logs with arguments")
def test_ruff_clean_ship_logs_with_arguments(
    submission: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    outcome = attempt(lambda: submission.ship(42))
    expected = {"order": 42, "status": "shipped"}
    got = attempt(lambda: json.loads(str(outcome.value))) if outcome.error is None else outcome
    expect(
        outcome.error is None and got.error is None and got.value == expected,
        f"ship(42) {outcome.describe()}; expected the JSON text of {expected!r}.",
        hint="keep_behaviour",
    )
    records = [record for record in caplog.records if record.levelno == logging.INFO]
    messages = [record.getMessage() for record in records]
    expect(
        messages == ["shipping order 42"],
        f"ship(42) logged {show(messages)} at INFO; expected one record, "
        "'shipping order 42', as before.",
        hint="keep_behaviour",
    )
    record = records[0]
    expect(
        record.args and str(record.msg) != record.getMessage(),
        f"ship(42) logged the ready-made text {str(record.msg)!r}; expected a constant "
        "message with a %s placeholder and the order id as an argument.",
        hint="lazy_logging",
    )


# ---------------------------------------------------------------------------------------
# mypy: client files with expected errors (shared by quality.types and
# quality.pydantic_model)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientLine:
    """A line of code written by a colleague against the learner's module.

    `ignore` empty: the line must type-check. Otherwise mypy must report exactly that
    error code on it; the `# type: ignore[code]` comment it carries, under
    --warn-unused-ignores, turns a missing error into an `[unused-ignore]` finding.
    """

    code: str
    hint: str
    ignore: str = ""
    why: str = ""

    @property
    def source(self) -> str:
        return f"{self.code}  # type: ignore[{self.ignore}]" if self.ignore else self.code


@dataclass(frozen=True)
class MypyRule:
    """How to explain a mypy finding on the learner's own file: matched by code or words."""

    hint: str
    codes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def matches(self, finding: Finding) -> bool:
        return finding.code in self.codes or any(word in finding.message for word in self.words)


@dataclass
class MypyCheck:
    """One exercise's mypy set-up: the learner module, the client, and how to explain."""

    exercise_id: str
    folder: str
    module: str
    client_header: str
    client: list[ClientLine]
    rules: list[MypyRule]
    first_codes: tuple[str, ...] = ()
    extra_args: tuple[str, ...] = ()
    runs: dict[Path, ToolRun] = field(default_factory=dict)

    def client_source(self) -> str:
        return self.client_header + "".join(line.source + "\n" for line in self.client)

    def learner_path(self, submission_path: Path) -> Path:
        return submission_path.parent / self.folder / f"{self.module}.py"

    def run(self, submission_path: Path) -> ToolRun:
        """mypy over the learner's cell and the client, once per submission."""
        key = submission_path.resolve()
        if key not in self.runs:
            learner = write_cell(
                submission_path, self.exercise_id, self.folder, f"{self.module}.py"
            )
            client = learner.parent / "client.py"
            client.write_text(self.client_source(), encoding="utf-8")
            self.runs[key] = run_mypy([learner, client], *self.extra_args, cwd=learner.parent)
        return self.runs[key]


def check_learner_file(check: MypyCheck, submission_path: Path, flags: str) -> None:
    """Fail with the first mypy finding in the learner's cell, explained."""
    findings = in_file(check.run(submission_path).findings, f"{check.module}.py")
    if not findings:
        return
    urgent = [f for f in findings if f.code in check.first_codes]
    first = (urgent or findings)[0]
    rule = next((r for r in check.rules if r.matches(first)), None)
    more = len(findings) - 1
    source = line_of(check.learner_path(submission_path), first.line)
    fail(
        f"`mypy {flags}` rejects your cell: line {first.line} (`{source}`): "
        f"{short(first.message)} [{first.code}]" + (f" (and {more} more)" if more else "") + ".",
        hint=rule.hint if rule else "mypy_strict",
    )


def check_client_file(check: MypyCheck, submission_path: Path, what: str) -> None:
    """Fail when the client's good lines are rejected or its bad lines are accepted."""
    findings = in_file(check.run(submission_path).findings, "client.py")
    header_lines = check.client_header.count("\n")
    by_line = {header_lines + index + 1: line for index, line in enumerate(check.client)}
    for finding in findings:  # first: a mistake mypy should have caught and did not
        line = by_line.get(finding.line)
        if line and line.ignore and finding.code == "unused-ignore":
            fail(
                f"In code that uses {what}, `{line.code}` {line.why}, but mypy accepted it. "
                "Check the annotations it depends on.",
                hint=line.hint,
            )
    for finding in findings:
        line = by_line.get(finding.line)
        if line and not line.ignore:
            fail(
                f"In code that uses {what} as the task describes, mypy rejects "
                f"`{line.code}`: {short(finding.message)} [{finding.code}].",
                hint=line.hint,
            )
    for finding in findings:
        line = by_line.get(finding.line)
        shown = line.code if line else "an import of your cell"
        fail(
            f"In code that uses {what}, mypy reports `{shown}`: {short(finding.message)} "
            f"[{finding.code}].",
            hint=line.hint if line else "mypy_strict",
        )


# ---------------------------------------------------------------------------------------
# quality.types
# ---------------------------------------------------------------------------------------

TYPES_FLAGS = "--strict --disallow-any-explicit"

TYPES = MypyCheck(
    exercise_id="quality.types",
    folder="mypy_types",
    module="vat",
    client_header=(
        "from decimal import Decimal\n\n"
        "from vat import Money, add_vat, group_by_currency, parse_amount, price_with_vat\n\n"
    ),
    client=[
        ClientLine('coffee = Money(Decimal("3.50"), "EUR")', hint="mypy_strict"),
        ClientLine(
            'gross: Decimal = add_vat(Decimal("10.00"), Decimal("0.19"))', hint="float_money"
        ),
        ClientLine('amount: Decimal = parse_amount(" 12.50 ")', hint="mypy_strict"),
        ClientLine(
            'price: Decimal = price_with_vat(Decimal("10.00"), "DE")', hint="narrow_optional"
        ),
        ClientLine(
            "groups: dict[str, list[Money]] = group_by_currency([coffee])", hint="bare_generic"
        ),
        ClientLine(
            "pair: dict[str, list[Money]] = group_by_currency((coffee, coffee))",
            hint="accept_iterable",
        ),
        ClientLine(
            "lazy: dict[str, list[Money]] = group_by_currency(m for m in [coffee])",
            hint="accept_iterable",
        ),
        ClientLine(
            "add_vat(10.0, 0.2)",
            ignore="arg-type",
            why="passes floats as money, which must be a type error",
            hint="float_money",
        ),
        ClientLine(
            'add_vat(Decimal("10.00"), 0.2)',
            ignore="arg-type",
            why="passes a float rate, which must be a type error",
            hint="float_money",
        ),
        ClientLine(
            'price_with_vat(10.0, "DE")',
            ignore="arg-type",
            why="passes a float amount, which must be a type error",
            hint="float_money",
        ),
        ClientLine(
            "parse_amount(12.5)",
            ignore="arg-type",
            why="passes a float where the user's text is expected, which must be a type error",
            hint="too_wide",
        ),
        ClientLine(
            'label: str = add_vat(Decimal("10.00"), Decimal("0.19"))',
            ignore="assignment",
            why="stores a Decimal result in a str variable, which must be a type error",
            hint="too_wide",
        ),
        ClientLine(
            'group_by_currency(["EUR"])',
            ignore="list-item",
            why="groups strings instead of Money, which must be a type error",
            hint="too_wide",
        ),
        ClientLine(
            "totals: dict[str, Decimal] = group_by_currency([coffee])",
            ignore="assignment",
            why="treats lists of Money as Decimals, which must be a type error",
            hint="bare_generic",
        ),
    ],
    rules=[
        MypyRule(codes=("explicit-any",), hint="explicit_any"),
        MypyRule(words=('"float"',), hint="float_money"),
        MypyRule(
            codes=("no-untyped-def", "no-untyped-call", "var-annotated"), hint="missing_annotation"
        ),
        MypyRule(codes=("type-arg",), hint="bare_generic"),
        MypyRule(words=('| None"', '"None"'), hint="narrow_optional"),
    ],
    first_codes=("explicit-any",),
    extra_args=("--disallow-any-explicit",),
)


@exercise("quality.types", title="The functions give the right results")
def test_types_functions_behave(submission: ModuleType) -> None:
    for net, rate, expected in [("10.00", "0.19", "11.90"), ("0.05", "0.10", "0.06")]:
        shown = f"add_vat(Decimal({net!r}), Decimal({rate!r}))"
        outcome = attempt(
            lambda net=net, rate=rate: submission.add_vat(Decimal(net), Decimal(rate))
        )
        expect(
            outcome.error is None and not isinstance(outcome.value, float),
            f"{shown} {outcome.describe()}; expected Decimal({expected!r}).",
            hint="float_money",
        )
        expect(
            isinstance(outcome.value, Decimal) and str(outcome.value) == expected,
            f"{shown} {outcome.describe()}; expected Decimal({expected!r}).",
            hint="keep_behaviour",
        )
    outcome = attempt(lambda: submission.parse_amount(" 12.50 "))
    expect(
        isinstance(outcome.value, Decimal) and str(outcome.value) == "12.50",
        f"parse_amount(' 12.50 ') {outcome.describe()}; expected Decimal('12.50').",
        hint="keep_behaviour",
    )
    money = submission.Money
    items = [
        money(Decimal("1.00"), "EUR"),
        money(Decimal("2.00"), "USD"),
        money(Decimal("3.00"), "EUR"),
    ]
    outcome = attempt(lambda: submission.group_by_currency(item for item in items))
    grouped = {"EUR": [items[0], items[2]], "USD": [items[1]]}
    expect(
        outcome.error is None and outcome.value == grouped,
        "group_by_currency over a generator of Money(1.00 EUR), Money(2.00 USD), "
        f"Money(3.00 EUR) {outcome.describe()}; expected {show(grouped)}.",
        hint="keep_behaviour",
    )
    outcome = attempt(lambda: submission.price_with_vat(Decimal("10.00"), "DE"))
    expect(
        isinstance(outcome.value, Decimal) and outcome.value == Decimal("11.90"),
        f"price_with_vat(Decimal('10.00'), 'DE') {outcome.describe()}; expected Decimal('11.90').",
        hint="keep_behaviour",
    )
    outcome = attempt(lambda: submission.price_with_vat(Decimal("10.00"), "XX"))
    expect(
        isinstance(outcome.error, ValueError) and "XX" in str(outcome.error),
        f"price_with_vat(Decimal('10.00'), 'XX') {outcome.describe()}; expected a "
        "ValueError that names 'XX': VAT_RATES has no rate for it, and .get() said so "
        "with None.",
        hint="narrow_optional",
    )


@exercise("quality.types", title="`mypy --strict` accepts your cell")
def test_types_pass_mypy_strict(submission: ModuleType, submission_path: Path) -> None:
    check_learner_file(TYPES, submission_path, TYPES_FLAGS)


@exercise("quality.types", title="Code that uses your functions type-checks as it should")
def test_types_client_type_checks(submission: ModuleType, submission_path: Path) -> None:
    check_client_file(TYPES, submission_path, "your functions")


# ---------------------------------------------------------------------------------------
# quality.pydantic_model
# ---------------------------------------------------------------------------------------

MODEL_FLAGS = "--strict --enable-error-code deprecated"
MODEL_RUFF_SELECT = ["F", "B", "UP", "N", "ANN"]
GOOD_FORM = {"email": "alice@example.com", "username": "alice", "age": 30}
GOOD_CALL = 'email="alice@example.com", username="alice"'

MODEL = MypyCheck(
    exercise_id="quality.pydantic_model",
    folder="mypy_model",
    module="signup",
    client_header="from signup import UserInput\n\n",
    client=[
        ClientLine(f"form = UserInput({GOOD_CALL}, age=30)", hint="mypy_strict"),
        ClientLine("email: str = form.email", hint="field_types"),
        ClientLine("username: str = form.username", hint="field_types"),
        ClientLine("age: int = form.age", hint="field_types"),
        ClientLine(
            f"parsed: UserInput = UserInput.model_validate({GOOD_FORM!r})", hint="mypy_strict"
        ),
        ClientLine(
            'UserInput(email=42, username="alice", age=30)',
            ignore="arg-type",
            why="passes a number as the email, which must be a type error",
            hint="constr_annotation",
        ),
        ClientLine(
            f'UserInput({GOOD_CALL}, age="x")',
            ignore="arg-type",
            why='passes the text "x" as the age, which must be a type error',
            hint="field_types",
        ),
        ClientLine(
            f'UserInput({GOOD_CALL}, age=30, role="admin")',
            ignore="call-arg",
            why="passes a field the form does not have, which must be a type error",
            hint="forbid_extra",
        ),
        ClientLine(
            f"UserInput({GOOD_CALL})",
            ignore="call-arg",
            why="leaves out the age, which must be a type error",
            hint="required_fields",
        ),
    ],
    rules=[
        MypyRule(codes=("deprecated",), hint="v1_validator"),
        MypyRule(codes=("valid-type",), hint="constr_annotation"),
        MypyRule(codes=("no-untyped-def", "no-untyped-call"), hint="missing_annotation"),
    ],
    first_codes=("deprecated", "valid-type"),
    extra_args=("--enable-error-code", "deprecated"),
)


def user_input(submission: ModuleType, **fields: object) -> Outcome:
    return attempt(lambda: submission.UserInput(**fields))


def error_fields(outcome: Outcome) -> set[str]:
    """The fields a pydantic ValidationError complains about (empty for anything else)."""
    errors = getattr(outcome.error, "errors", None)
    if outcome.error is None or not callable(errors):
        return set()
    return {str(error["loc"][0]) for error in errors() if error.get("loc")}


def form_call(fields: dict[str, object]) -> str:
    return "UserInput(" + ", ".join(f"{name}={value!r}" for name, value in fields.items()) + ")"


@exercise("quality.pydantic_model", title="Valid sign-ups are accepted and normalised")
def test_pydantic_model_accepts_and_normalises(submission: ModuleType) -> None:
    fields: dict[str, object] = {"email": "  Alice@Example.COM ", "username": "alice_1", "age": 30}
    outcome = user_input(submission, **fields)
    if "email" in error_fields(outcome):
        fail(
            f"{form_call(fields)} {outcome.describe()}; expected it to be accepted with "
            "email 'alice@example.com': strip the spaces before the pattern checks the "
            "address, and store it lower-cased.",
            hint="normalise_first",
        )
    expect(
        outcome.error is None,
        f"{form_call(fields)} {outcome.describe()}; expected a valid form.",
        hint="validate_fields",
    )
    form = outcome.value
    got = (
        getattr(form, "email", None),
        getattr(form, "username", None),
        getattr(form, "age", None),
    )
    expect(
        got[0] == "alice@example.com",
        f"{form_call(fields)} has email {show(got[0])}; expected 'alice@example.com'.",
        hint="normalise_first",
    )
    expect(
        got[1:] == ("alice_1", 30),
        f"{form_call(fields)} has username {show(got[1])} and age {show(got[2])}; expected "
        "'alice_1' and 30.",
        hint="validate_fields",
    )
    for edge in [
        {"email": "bo@example.org", "username": "bob", "age": 13},
        {"email": "x@y.io", "username": "a" * 20, "age": 130},
    ]:
        outcome = user_input(submission, **edge)
        expect(
            outcome.error is None,
            f"{form_call(edge)} {outcome.describe()}; expected a valid form (the limits "
            "themselves are allowed).",
            hint="validate_fields",
        )


@exercise("quality.pydantic_model", title="Invalid fields are rejected")
def test_pydantic_model_rejects_invalid_fields(submission: ModuleType) -> None:
    long_email = "a" * 250 + "@example.com"
    for name, value in [
        ("email", "not-an-email"),
        ("email", "alice@example"),
        ("email", "alice smith@example.com"),
        ("email", long_email),
        ("username", "al"),
        ("username", "a" * 21),
        ("username", "Alice"),
        ("username", "bob smith"),
        ("age", 12),
        ("age", 131),
    ]:
        fields = {**GOOD_FORM, name: value}
        outcome = user_input(submission, **fields)
        expect(
            name in error_fields(outcome),
            f"{form_call(fields)} {outcome.describe()}; expected a ValidationError for the "
            f"field {name!r}.",
            hint="validate_fields",
        )
    for reserved in ["admin", "root", "support"]:
        fields = {**GOOD_FORM, "username": reserved}
        outcome = user_input(submission, **fields)
        expect(
            "username" in error_fields(outcome),
            f"{form_call(fields)} {outcome.describe()}; expected a ValidationError for "
            f"'username': {reserved!r} is reserved.",
            hint="reserved_names",
        )


@exercise("quality.pydantic_model", title="Unknown fields are rejected")
def test_pydantic_model_forbids_unknown_fields(submission: ModuleType) -> None:
    fields = {**GOOD_FORM, "role": "admin"}
    outcome = user_input(submission, **fields)
    expect(
        "role" in error_fields(outcome),
        f"{form_call(fields)} {outcome.describe()}; expected a ValidationError for the "
        "unknown field 'role', not a form that silently drops it.",
        hint="forbid_extra",
    )


@exercise("quality.pydantic_model", title="`ruff check` finds nothing in the model")
def test_pydantic_model_passes_ruff(submission: ModuleType, submission_path: Path) -> None:
    path = write_cell(submission_path, "quality.pydantic_model", "ruff_model", "signup.py")
    findings = sorted(run_ruff([path], select=MODEL_RUFF_SELECT).findings, key=lambda f: f.line)
    if not findings:
        return
    # A validator without @classmethod shows up as N805: say that first.
    shown = [f for f in findings if f.code == "N805"] or findings
    fail(
        f"`ruff check --select {','.join(MODEL_RUFF_SELECT)}` finds "
        + describe_findings(path, shown, ruff_rule)
        + ".",
        hint=ruff_rule(shown[0]).hint,
    )


@exercise("quality.pydantic_model", title="`mypy --strict` accepts your cell")
def test_pydantic_model_passes_mypy_strict(submission: ModuleType, submission_path: Path) -> None:
    check_learner_file(MODEL, submission_path, MODEL_FLAGS)


@exercise("quality.pydantic_model", title="Code that uses your model type-checks as it should")
def test_pydantic_model_client_type_checks(submission: ModuleType, submission_path: Path) -> None:
    check_client_file(MODEL, submission_path, "your UserInput")


# ---------------------------------------------------------------------------------------
# quality.ruff_config
# ---------------------------------------------------------------------------------------

CANARY_APP = '''\
"""A canary: every line that a rule of the task must flag, and nothing else."""

import logging
import os

logger = logging.getLogger(__name__)


def find_order(cursor, order_id):
    # TODO(ana): page through large results
    logger.info(f"looking up order {order_id}")
    assert order_id, "an order id is required"
    query = f"SELECT id, total FROM orders WHERE id = '{order_id}'"
    return cursor.execute(query).fetchone()
'''

CANARY_TESTS = '''\
"""A canary test: assert is how tests check things."""


def test_addition():
    # TODO(ana): test the real queries
    # https://tracker.example.com/SHOP-12
    assert 1 + 1 == 2
'''

CANARY_EXPECTED = {
    ("app/orders.py", "F401"),
    ("app/orders.py", "TD003"),
    ("app/orders.py", "G004"),
    ("app/orders.py", "S101"),
    ("app/orders.py", "S608"),
}
WANTED_SELECT = "S,G004,TD"
RULE_LINE = re.compile(r"^\s*(?P<name>[a-z0-9-]+) \((?P<code>[A-Z]+[0-9]+)\),?$")


def enabled_rules(settings: str) -> dict[str, str]:
    """The rules `ruff check --show-settings` lists as enabled: code -> rule name."""
    rules: dict[str, str] = {}
    inside = False
    for line in settings.splitlines():
        if line.startswith("linter.rules.enabled = ["):
            inside = True
        elif inside and line.strip() == "]":
            break
        elif inside and (match := RULE_LINE.match(line)):
            rules[match["code"]] = match["name"]
    return rules


def setting(settings: str, name: str) -> str | None:
    for line in settings.splitlines():
        if line.startswith(f"{name} = "):
            return line.split(" = ", 1)[1].strip()
    return None


reference_rules: dict[str, dict[str, str]] = {}


def rules_without_config(select: str | None, workdir: Path) -> dict[str, str]:
    """Ruff's own rule sets, asked from the pinned ruff: its defaults, or a selection."""
    key = select or "default"
    if key not in reference_rules:
        directory = workdir / f"ruff_reference_{key.replace(',', '_').lower()}"
        directory.mkdir(exist_ok=True)
        (directory / "probe.py").write_text("", encoding="utf-8")
        extra = ["--select", select] if select else []
        result = run_ruff_command(
            "check",
            "--isolated",
            "--no-cache",
            *extra,
            "--show-settings",
            "probe.py",
            cwd=directory,
        )
        reference_rules[key] = enabled_rules(result.stdout)
    return reference_rules[key]


@dataclass(frozen=True)
class ConfiguredProject:
    """The canary project configured by the learner's RUFF_CONFIG, and what ruff said."""

    directory: Path
    lint: dict[str, Any]
    settings: str
    findings: set[tuple[str, str]]


@dataclass(frozen=True)
class Refusal:
    """Why RUFF_CONFIG is not a configuration ruff accepts, and the hint that goes with it."""

    message: str
    hint: str


projects: dict[Path, ConfiguredProject | Refusal] = {}


def configured_project(submission: ModuleType, submission_path: Path) -> ConfiguredProject:
    """Write RUFF_CONFIG as pyproject.toml beside a canary project and ask ruff about it.

    Fails (with the same message in every test of the exercise) when the string is not a
    ruff configuration that ruff accepts without a warning.
    """
    key = submission_path.resolve()
    if key not in projects:
        projects[key] = build_project(submission, submission_path)
    project = projects[key]
    if isinstance(project, Refusal):
        fail(project.message, hint=project.hint)
    return project


def build_project(submission: ModuleType, submission_path: Path) -> ConfiguredProject | Refusal:
    config = getattr(submission, "RUFF_CONFIG", None)
    if not isinstance(config, str):
        return Refusal(
            f"Your cell sets RUFF_CONFIG to {show(config)}; it must be the text of your ruff "
            "configuration, a string in TOML.",
            hint="toml_syntax",
        )
    try:
        data = tomllib.loads(config)
    except tomllib.TOMLDecodeError as error:
        return Refusal(f"RUFF_CONFIG is not valid TOML: {error}.", hint="toml_syntax")
    tool = data.get("tool")
    ruff_table = tool.get("ruff") if isinstance(tool, dict) else None
    if not isinstance(ruff_table, dict):
        return Refusal(
            "RUFF_CONFIG has no [tool.ruff] table, so ruff would not read it.", hint="toml_syntax"
        )
    directory = submission_path.parent / "ruff_config"
    (directory / "app").mkdir(parents=True, exist_ok=True)
    (directory / "tests").mkdir(exist_ok=True)
    (directory / "pyproject.toml").write_text(config, encoding="utf-8")
    (directory / "app" / "orders.py").write_text(CANARY_APP, encoding="utf-8")
    (directory / "tests" / "test_orders.py").write_text(CANARY_TESTS, encoding="utf-8")
    # Not --isolated: the point is to see what ruff makes of the learner's file.
    shown = run_ruff_command(
        "check", "--no-cache", "--show-settings", "app/orders.py", cwd=directory
    )
    if shown.returncode != 0:
        return Refusal(
            "ruff refused your configuration: " + ruff_cause(shown.stderr) + ".",
            hint="config_error",
        )
    if "deprecated" in shown.stderr:
        return Refusal(
            "ruff reads your configuration but warns that it is deprecated: "
            + first_warning(shown.stderr)
            + ".",
            hint="lint_section",
        )
    checked = run_ruff_command(
        "check", "--no-cache", "--no-fix", "--output-format", "json", ".", cwd=directory
    )
    try:
        raw = json.loads(checked.stdout or "[]")
    except json.JSONDecodeError:
        return Refusal(
            "ruff could not lint the canary project with your configuration: "
            + ruff_cause(checked.stderr)
            + ".",
            hint="config_error",
        )
    root = directory.resolve()
    findings = {
        (Path(item["filename"]).resolve().relative_to(root).as_posix(), str(item["code"]))
        for item in raw
        if isinstance(item, dict) and item.get("code")
    }
    lint = ruff_table.get("lint")
    return ConfiguredProject(
        directory=directory,
        lint=lint if isinstance(lint, dict) else {},
        settings=shown.stdout,
        findings=findings,
    )


def ruff_cause(stderr: str) -> str:
    """The part of ruff's error that names the problem, without paths or TOML excerpts."""
    for line in stderr.splitlines():
        text = line.strip()
        if text.startswith(("unknown field", "unknown variant", "invalid type", "expected")):
            return text.split(", expected one of")[0]
    causes = [
        line.split("Cause:", 1)[1].strip() for line in stderr.splitlines() if "Cause:" in line
    ]
    return causes[-1] if causes else "it exited with an error"


def first_warning(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    options = [line.lstrip("- ") for line in lines if line.startswith("- ")]
    text = lines[0].removeprefix("warning: ").split(". Please")[0] if lines else "a warning"
    return text + (f" ({'; '.join(options)})" if options else "")


def named(codes: Iterable[str], names: dict[str, str]) -> str:
    listed = sorted(codes)
    shown = ", ".join(f"{code} ({names.get(code, '?')})" for code in listed[:MAX_LISTED])
    more = len(listed) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


@exercise("quality.ruff_config", title="Keeps ruff's default rules")
def test_ruff_config_keeps_the_default_rules(submission: ModuleType, submission_path: Path) -> None:
    project = configured_project(submission, submission_path)
    defaults = rules_without_config(None, submission_path.parent)
    missing = set(defaults) - set(enabled_rules(project.settings))
    if not missing:
        return
    favourite = [code for code in ("F401", "E722", "B006") if code in missing]
    example = named(favourite[:1] or missing, defaults)
    message = (
        f"{len(missing)} of ruff's {len(defaults)} default rules are switched off in your "
        f"configuration, {example} among them."
    )
    if "select" in project.lint:
        fail(message + " `select` replaced the default set.", hint="select_replaces")
    fail(message + " The task keeps every default rule.", hint="keep_defaults")


@exercise("quality.ruff_config", title="Adds exactly the requested rules")
def test_ruff_config_adds_the_requested_rules(
    submission: ModuleType, submission_path: Path
) -> None:
    project = configured_project(submission, submission_path)
    wanted = rules_without_config(WANTED_SELECT, submission_path.parent)
    enabled = enabled_rules(project.settings)
    missing = set(wanted) - set(enabled)
    if missing == {"S101"}:
        fail(
            "S101 (assert) is switched off for app/orders.py too; the task allows `assert` "
            "in tests/ only.",
            hint="assert_in_tests",
        )
    expect(
        not missing,
        f"{len(missing)} of the rules the task adds are not enabled: {named(missing, wanted)}.",
        hint="missing_rules",
    )


@exercise("quality.ruff_config", title="Sets the Python version and line length")
def test_ruff_config_sets_version_and_line_length(
    submission: ModuleType, submission_path: Path
) -> None:
    project = configured_project(submission, submission_path)
    for name, expected, label in [
        ("linter.unresolved_target_version", "3.11", "the linter's target Python version"),
        ("linter.line_length", "100", "the linter's line length"),
        ("formatter.line_width", "100", "the formatter's line length"),
    ]:
        got = setting(project.settings, name)
        shown = "not set" if got in (None, "none") else got
        expect(
            got == expected,
            f"With your configuration, {label} is {shown}; expected {expected}.",
            hint="target_and_length",
        )


@exercise("quality.ruff_config", title="Finds the expected problems in a sample project")
def test_ruff_config_on_the_canary_project(submission: ModuleType, submission_path: Path) -> None:
    project = configured_project(submission, submission_path)
    found = project.findings
    wrong = (CANARY_EXPECTED - found) | (found - CANARY_EXPECTED)
    if wrong and {code for _, code in wrong} == {"S101"}:
        where = (
            "reports S101 for the assert in tests/test_orders.py"
            if ("tests/test_orders.py", "S101") in found
            else "does not report S101 for the assert in app/orders.py"
        )
        fail(
            f"On the canary project, your configuration {where}; `assert` is fine in tests "
            "and an error everywhere else.",
            hint="assert_in_tests",
        )
    missing = sorted(CANARY_EXPECTED - found)
    extra = sorted(found - CANARY_EXPECTED)
    expect(
        not missing and not extra,
        "On the canary project, your configuration "
        + "; ".join(
            part
            for part in [
                f"misses {', '.join(f'{code} in {path}' for path, code in missing)}"
                if missing
                else "",
                f"also reports {', '.join(f'{code} in {path}' for path, code in extra)}"
                if extra
                else "",
            ]
            if part
        )
        + f". Expected exactly {', '.join(sorted(code for _, code in CANARY_EXPECTED))} in "
        "app/orders.py and nothing in tests/.",
        hint="canary_codes",
    )
