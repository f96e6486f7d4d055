"""Group an exercise's failed checks by cause, so a verdict says each reason once.

An untouched starter fails every check with the same "not done yet" message; a float
where an int belongs fails four checks with the same hint. A learner needs each reason
once, with how many checks it stopped, not the same paragraph five times. Every
renderer that speaks to a learner (terminal, notebook HTML) reads causes from here, so
they group alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from zendo._results import ExerciseResult, Status, TestResult


@dataclass(frozen=True)
class Cause:
    """One reason why some checks of an exercise did not pass, shown by its first check."""

    tests: tuple[TestResult, ...]
    checks: int  # how many checks the exercise has in all

    @property
    def first(self) -> TestResult:
        return self.tests[0]

    @property
    def heading(self) -> str:
        """`Did not pass: <title>` for one check, `N checks did not pass, ...` for several."""
        if len(self.tests) == 1:
            return f"Did not pass: {self.first.learner_title}"
        if len(self.tests) == self.checks:
            return f"None of the {self.checks} checks passed, for one reason:"
        return f"{len(self.tests)} checks did not pass, for the same reason:"

    @property
    def titles(self) -> list[str]:
        return [test.learner_title for test in self.tests]


def causes_of(exercise: ExerciseResult) -> list[Cause]:
    """The distinct reasons the exercise's checks did not pass, in the order first met.

    Checks share a cause when they end the same way (fail, error, timeout) and name the
    same failure hint; checks without a hint share one only when their messages are equal
    (the starter's NotImplementedError, a syntax error, a timeout). Hidden checks are
    no cause a learner can read: renderers report them by `hidden_summary` alone.
    """
    groups: dict[tuple[Status, str, str], list[TestResult]] = {}
    visible = [test for test in exercise.tests if not test.hidden]
    for test in visible:
        if test.status is Status.PASS:
            continue
        key = (
            (test.status, "hint", test.hint_id)
            if test.hint_id
            else (test.status, "message", test.message)
        )
        groups.setdefault(key, []).append(test)
    return [Cause(tuple(tests), len(visible)) for tests in groups.values()]


def passed_titles(exercise: ExerciseResult) -> list[str]:
    """The titles of the checks that passed, in grader order."""
    return [
        test.learner_title
        for test in exercise.tests
        if test.status is Status.PASS and not test.hidden
    ]
