"""v2 graders of money.value_object, its types: mypy --strict on the cell and on a client.

mypy runs from the trusted side (`zendo.judge.run_mypy_graded`), isolated, on the learner's
source text and on client code written against the Money the exercise describes; it
never runs where learner code ran. One mypy run serves both tests of a submission.
"""

from __future__ import annotations

from money_helpers import money

from zendo.judge import (
    Finding,
    Learner,
    Submitted,
    ToolRun,
    before_tests,
    exercise,
    expect,
    fail,
    run_mypy_graded,
    start_mypy_graded,
)

LEARNER_MODULE = "learner_money"

# Code written by another developer against the Money the exercise describes. The first
# part must type-check; each line of the second part must be an error, and its ignore
# comment names the error. Under --warn-unused-ignores, an expected error that does not
# happen shows up as [unused-ignore] on that line.
CLIENT_ACCEPTED = f"""\
from decimal import Decimal

from {LEARNER_MODULE} import CurrencyMismatchError, Money

price = Money.of("12.34", "EUR")
fee = Money.of(Decimal("0.66"), "EUR")
yen = Money(500, "JPY")
total: Money = price + fee
change: Money = price - fee
tripled: Money = price * 3
also_tripled: Money = 3 * price
shares: list[Money] = price.allocate([1, 2])
amount: Decimal = price.to_decimal()
minor: int = price.minor
currency: str = price.currency
mismatch = CurrencyMismatchError("EUR", "USD")
left: str = mismatch.left
right: str = mismatch.right
as_value_error: ValueError = mismatch
"""

# (the line, what it tests, why it must be an error)
CLIENT_REJECTED = [
    (
        'price + Decimal("1.00")  # type: ignore[operator]',
        "operand",
        "Money + Decimal must be a type error, but mypy accepted it",
    ),
    (
        "price + 1  # type: ignore[operator]",
        "operand",
        "Money + int must be a type error, but mypy accepted it",
    ),
    (
        "price * 1.5  # type: ignore[operator]",
        "float",
        "multiplying Money by a float must be a type error, but mypy accepted it",
    ),
    (
        'Money.of(0.1, "EUR")  # type: ignore[arg-type]',
        "float",
        "passing a float to Money.of must be a type error, but mypy accepted it",
    ),
]
# Not here: `price.minor = 5`. Immutability is checked at run time (test_money_is_immutable),
# because mypy without a plugin accepts that assignment for correct designs the exercise
# allows: a pydantic model frozen with ConfigDict(frozen=True), a class whose __setattr__
# raises. Every line above calls an operator or a method, which the advice names.

# What to look at when mypy accepts a line it must reject, by concern.
CLIENT_ADVICE = {
    "operand": "Check how the operator methods annotate their operand.",
    "float": "Check the annotations of the method it calls.",
}

CLIENT_SOURCE = (
    CLIENT_ACCEPTED
    + "\n# Mistakes the type checker must catch before the code runs.\n"
    + "".join(line + "\n" for line, _, _ in CLIENT_REJECTED)
)
CLIENT_LINES = CLIENT_SOURCE.splitlines()
LEARNER_FILE = f"{LEARNER_MODULE}.py"
CLIENT_FILE = "client_money.py"

# One judge process grades one submission: its mypy run, kept for the second test.
mypy_runs: dict[str, ToolRun] = {}


@before_tests("money.value_object")
def start_mypy(submitted: Submitted) -> None:
    """mypy checks on the other core while the sandbox answers the value tests."""
    start_mypy_graded({LEARNER_FILE: submitted.source, CLIENT_FILE: CLIENT_SOURCE})


def mypy_money(submitted: Submitted) -> ToolRun:
    """One mypy run over the learner's source and the client, kept per source text.

    The learner's file is the graded source, line for line, so its findings' lines are
    submission lines (see `Submitted.where`).
    """
    if submitted.source not in mypy_runs:
        files = {LEARNER_FILE: submitted.source, CLIENT_FILE: CLIENT_SOURCE}
        mypy_runs[submitted.source] = run_mypy_graded(files)
    run = mypy_runs[submitted.source]
    # A tool that failed without a finding (a crash, a timeout) must never read as a pass.
    expect(
        not run.crashed,
        f"mypy could not check your cell (it stopped with exit code {run.exit_code} and "
        "no error message); run `python -m mypy --strict` on your code to see why.",
        hint="mypy_strict",
    )
    return run


def where(finding: Finding, submitted: Submitted) -> str:
    # mypy checked the graded source, line for line.
    return submitted.where(finding.line)


@exercise("money.value_object", title="`mypy --strict` accepts your cell")
def test_money_passes_mypy_strict(learner: Learner, submitted: Submitted) -> None:
    money(learner, "12.34", "EUR")  # an untouched starter is not done, however well typed
    run = mypy_money(submitted)
    findings = run.in_file(LEARNER_FILE)
    if not findings:
        return
    about_self = [f for f in findings if '"Self"' in f.message]
    first = (about_self or findings)[0]
    more = len(findings) - 1
    message = (
        f"mypy --strict rejects your cell: {where(first, submitted)}: {first.message} "
        f"[{first.code}]" + (f" (and {more} more)" if more else "") + "."
    )
    if about_self:
        fail(message, hint="self_misuse")
    fail(message, hint="mypy_strict")


@exercise("money.value_object", title="Code that uses your Money type-checks as it should")
def test_money_client_type_checks(learner: Learner, submitted: Submitted) -> None:
    money(learner, "12.34", "EUR")  # an untouched starter is not done, however well typed
    run = mypy_money(submitted)
    findings = run.in_file(CLIENT_FILE)
    rejected = {
        CLIENT_LINES.index(line) + 1: (line.split("  #")[0], concern, why)
        for line, concern, why in CLIENT_REJECTED
    }
    for finding in findings:
        source = CLIENT_LINES[finding.line - 1].split("  #")[0] if finding.line else ""
        if finding.line in rejected and finding.code == "unused-ignore":
            code, concern, why = rejected[finding.line]
            message = f"In code that uses your Money, `{code}`: {why}. {CLIENT_ADVICE[concern]}"
            if concern == "operand":
                fail(message, hint="annotate_other_money")
            fail(message, hint="reject_float")
        if finding.code == "attr-defined" and "CurrencyMismatchError" in finding.message:
            fail(
                f"In code that uses your Money as the exercise describes, mypy rejects "
                f"`{source}`: {finding.message} [{finding.code}].",
                hint="mismatch_error",
            )
        fail(
            f"In code that uses your Money as the exercise describes, mypy rejects "
            f"`{source}`: {finding.message} [{finding.code}].",
            hint="mypy_strict",
        )
