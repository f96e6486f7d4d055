"""What v2 graders use to judge: exercise marks, expectations, tables, properties, cell lines.

Everything here runs on the trusted side. Comparisons are made on decoded, exact values;
hypothesis searches here, with fixed settings chosen by a named example budget, so the
same code gets the same verdict in the notebook, on the command line and in a batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import pytest

from zendo.judge.client import Learner, LearnerFailure, Observation, show, where_in_source

if TYPE_CHECKING:  # imported where used: a judge whose graders have no property skips it
    from hypothesis import settings
    from hypothesis.strategies import SearchStrategy

F = TypeVar("F", bound=Callable[..., Any])

# Named example budgets: graders choose one by name, never a number, so the cost of a
# check is visible and the same everywhere (hypothesis costs about 0.4 ms per example
# plus one round trip, about 50 µs, per call of learner code).
BUDGETS: dict[str, int] = {"smoke": 10, "quick": 30, "standard": 100, "thorough": 300}


def exercise(exercise_id: str, weight: int = 1, *, title: str = "") -> pytest.MarkDecorator:
    """Tie a grader test to one exercise; `weight` is its share of the exercise's points.

    `title` is what the learner reads for this check ("The shares add up to the total").
    """
    return pytest.mark.exercise(exercise_id, weight=weight, title=title)


BEFORE_TESTS = "_zendo_before_tests"  # the attribute `before_tests` marks a function with


def before_tests(exercise_id: str) -> Callable[[F], F]:
    """Run the function once per graded submission, before `exercise_id`'s first test.

    For starting slow, pure work early, never for judging: it gets the `Submitted`
    source and may start tool runs (`start_mypy_graded`) whose answers the tests then
    collect, so mypy checks on one core while the sandbox answers tests on the other.
    Whatever it raises is logged and ignored; a test that needs a run it did not start
    runs it itself, so a verdict never depends on it.

        @before_tests("transactions.async_transfer")
        def start_mypy(submitted: Submitted) -> None:
            start_mypy_graded({CELL: submitted.source})
    """

    def mark(function: F) -> F:
        setattr(function, BEFORE_TESTS, exercise_id)
        return function

    return mark


def expect(condition: object, message: str, *, hint: str | None = None) -> None:
    """Fail the test with `message` and failure hint `hint` unless `condition` is true."""
    if not condition:
        raise LearnerFailure(message, hint)


def fail(message: str, *, hint: str | None = None) -> NoReturn:
    """Fail the test with `message` and failure hint `hint`."""
    raise LearnerFailure(message, hint)


MAX_NOTES = 5  # distinct notes per test: a note is one line a learner reads beside a verdict
MAX_NOTE_CHARS = 160
_notes: list[str] = []  # the running test's notes; the judge plugin takes them with its outcome


def note(text: str) -> None:
    """Attach a one-line note to the running test's outcome, whatever its status.

    For what a learner should know about how the check ran, not about their code: a
    part of it that could not run here (`note(NO_SERVER)` when the transactions graders
    find no PostgreSQL server). The verdict shows each distinct note of an exercise once
    ("Note: ..."), in the terminal, the notebook and JUnit; a hidden test's notes are
    dropped. The same note twice in one test counts once. A note that is empty, holds a
    line break or is longer than MAX_NOTE_CHARS, or a sixth distinct one in a test, is a
    grader bug: ValueError.
    """
    line = text.strip()
    if not line or "\n" in line or "\r" in line or len(line) > MAX_NOTE_CHARS:
        raise ValueError(
            f"A note is one line of 1 to {MAX_NOTE_CHARS} characters; got {text[:200]!r}. "
            "Shorten it, or say the rest in the lesson."
        )
    if line in _notes:
        return
    if len(_notes) >= MAX_NOTES:
        raise ValueError(
            f"A test may attach at most {MAX_NOTES} distinct notes; {line!r} would be one more."
        )
    _notes.append(line)


def take_notes() -> list[str]:
    """The running test's notes, in the order made; the list starts empty again."""
    taken = list(_notes)
    _notes.clear()
    return taken


def hypothesis_settings(budget: str) -> settings:
    """The fixed hypothesis settings of a named budget: derandomized, no database, no deadline."""
    from hypothesis import HealthCheck, Phase, settings

    if budget not in BUDGETS:
        known = ", ".join(BUDGETS)
        raise ValueError(f"There is no example budget {budget!r}; choose one of {known}.")
    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=BUDGETS[budget],
        print_blob=False,
        # One failure per property, the first found: explicit examples in the order they
        # are written, then the search. With several, hypothesis keeps the one whose
        # report is shortest, and that report holds the fixtures' reprs (timings,
        # folders), so the verdict's example and hint changed from run to run.
        report_multiple_bugs=False,
        # The explain phase costs a second or more per failing property; a learner needs
        # the failing example, which the shrink phase already found.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )


def property_test(budget: str, **strategies: SearchStrategy[Any]) -> Callable[[F], F]:
    """A hypothesis property with the named budget's fixed settings.

    Usage:
        @exercise("calc.split")
        @property_test("standard", total=st.integers(0, 10**6), count=st.integers(1, 50))
        def test_split_keeps_every_unit(learner, total, count): ...
    """
    from hypothesis import given

    fixed = hypothesis_settings(budget)

    def decorate(test: F) -> F:
        return cast(F, fixed(given(**strategies)(test)))

    return decorate


def same(got: object, expected: object) -> bool:
    """Equal and of exactly the same types at every level (a Decimal also by its digits)."""
    if type(got) is not type(expected):
        return False
    if isinstance(expected, Decimal):
        return str(got) == str(expected)
    if isinstance(expected, list | tuple) and isinstance(got, list | tuple):
        return len(got) == len(expected) and all(map(same, got, expected))
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(same(got[k], expected[k]) for k in expected)
    return bool(got == expected)


@dataclass(frozen=True)
class Raises:
    """An expected outcome in a table: the call must raise this exception (or a subclass)."""

    kind: type[BaseException] | str
    why: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a behaviour table: arguments, the expected result, and its failure hint."""

    args: tuple[object, ...]
    expected: object
    hint: str | None = None
    why: str = ""


def check_table(
    learner: Learner,
    function: str,
    rows: Sequence[Row | tuple[tuple[object, ...], object]],
    *,
    hint: str | None = None,
) -> None:
    """Call `function` with each row's arguments; fail on the first wrong result.

    A row expects a value (compared with `same`: exact types, Decimal digits) or
    `Raises(SomeError)`. The message names the call, what came back and what was expected.
    """
    for entry in rows:
        row = entry if isinstance(entry, Row) else Row(entry[0], entry[1])
        observed = learner.call(function, *row.args)
        expect_outcome(observed, row.expected, hint=row.hint or hint, why=row.why)


def expect_outcome(
    observed: Observation, expected: object, *, hint: str | None = None, why: str = ""
) -> None:
    """Fail unless `observed` returned `expected` exactly, or raised the `Raises` kind."""
    reason = f" {why}" if why else ""
    if isinstance(expected, Raises):
        raised = observed.raised
        if raised is not None and raised.is_a(NotImplementedError):
            observed.value  # noqa: B018 - raises the "not done yet" failure
        kind = expected.kind
        name = kind if isinstance(kind, str) else kind.__name__
        expect(
            raised is not None and raised.is_a(expected.kind),
            f"{observed.shown} {observed.describe()}; expected {name}.{reason or ' '}".rstrip(),
            hint=hint,
        )
        return
    got = observed.value
    expect(
        same(got, expected),
        f"{observed.shown} returned {show(got)}; expected {show(expected)}.{reason}",
        hint=hint,
    )


@dataclass(frozen=True)
class Submitted:
    """The source graded for one exercise: setup cells, then the exercise cell."""

    exercise_id: str
    module: str
    source: str
    cell_start_line: int  # the file line of the exercise cell's marker line

    @property
    def filename(self) -> str:
        return f"{self.module}.py"

    def cell_line(self, file_line: int) -> int | None:
        """The line of the exercise cell that is `file_line` of the file; None in setup."""
        if file_line < self.cell_start_line:
            return None
        return file_line - self.cell_start_line + 1

    def where(self, file_line: int) -> str:
        """`line 3 of the exercise cell`, or `the setup cell (line 2 of the file)`."""
        return where_in_source(file_line, self.cell_start_line)

    def cell_source(self) -> str:
        """The exercise cell alone, ending in exactly one newline."""
        lines = self.source.splitlines()
        return "\n".join(lines[self.cell_start_line - 1 :]).rstrip() + "\n"
