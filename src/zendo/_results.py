"""The results model: one set of frozen, validated types that every renderer reads.

Results cross two boundaries: from the grading child to the engine, and from the engine
to files (JSON reports, gradebooks). Both are validated with pydantic, and every JSON
report carries `schema_version`, bumped whenever a field changes meaning.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION: Literal[1] = 1

# A note (`zendo.judge.note`): one line a learner reads beside a verdict.
Note = Annotated[str, Field(min_length=1, max_length=300, pattern=r"^[^\r\n]*$")]


class Status(StrEnum):
    """What happened to a test, an exercise or a submission."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"


# When parts disagree, the whole takes the status a learner most needs to hear about.
_SEVERITY = {Status.PASS: 0, Status.FAIL: 1, Status.TIMEOUT: 2, Status.ERROR: 3}


def worst(statuses: list[Status]) -> Status:
    """The most serious of several statuses; PASS for an empty list."""
    return max(statuses, key=_SEVERITY.__getitem__, default=Status.PASS)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _EngineOnly(_Frozen):
    # Built on first use: judges import this module for ChildOutcome alone, and building
    # these at import (about 3 ms) would delay every judge's start.
    model_config = ConfigDict(defer_build=True)


class ChildOutcome(_Frozen):
    """One test's outcome as the grading child reports it (validated on arrival)."""

    exercise_id: str = Field(max_length=200)
    test: str = Field(max_length=500)
    title: str = Field(default="", max_length=300)
    status: Status
    message: str = Field(default="", max_length=20_000)
    hint_id: str | None = Field(default=None, max_length=200)
    output: str = Field(default="", max_length=200_000)
    duration_seconds: float = Field(default=0.0, ge=0)
    weight: int = Field(default=1, ge=1, le=1000)
    hidden: bool = False  # from the lesson's hidden/ folder: its content never leaves the engine
    notes: list[Note] = Field(default=[], max_length=10)  # how the check ran; never a verdict


class TestResult(_EngineOnly):
    """One grader test on one exercise.

    `name` is the test's id in the graders (for gradebooks, JUnit and course authors);
    `title` is what a learner reads, the `title=` of its `@exercise` mark. A hidden
    test (`hidden`) keeps only its status, weight and duration: its name is a stand-in
    (`hidden-1`), its title says it is hidden, and no message, hint or output is kept.
    """

    __test__ = False  # not a pytest test class, despite the name

    name: str
    title: str = ""
    status: Status
    message: str = ""
    hint: str | None = None
    hint_id: str | None = None
    output: str = ""
    duration_seconds: float = 0.0
    weight: int = 1
    hidden: bool = False

    @property
    def learner_title(self) -> str:
        """The title, or a readable stand-in made from the name (for reports from before
        titles existed): a learner never reads `test_split_keeps_every_unit[...]`."""
        return self.title or title_from_name(self.name)


def title_from_name(test: str) -> str:
    """`test_split_keeps_every_unit[...]` as `Split keeps every unit`."""
    words = test.split("[", 1)[0].removeprefix("test_").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "A check"


class ExerciseResult(_EngineOnly):
    """All tests of one exercise, with the points earned.

    `hidden_not_run` counts the exercise's hidden checks when they did not run (a
    learner's self-check): the verdict says they exist and run when the instructor grades.
    `notes` are what the graders said about how the checks ran (a part that could not run
    on this machine), each distinct note once, from visible tests only; they never change
    a status or the points.
    """

    id: str
    title: str
    status: Status
    points: float
    max_points: int
    message: str = ""
    tests: list[TestResult] = []
    hidden_not_run: int = Field(default=0, ge=0)
    notes: list[str] = []

    @property
    def first_problem(self) -> TestResult | None:
        """The first test that did not pass, a visible one before any hidden one."""
        failing = [test for test in self.tests if test.status is not Status.PASS]
        return next((test for test in failing if not test.hidden), None) or next(
            iter(failing), None
        )

    @property
    def hidden_summary(self) -> str:
        """What a learner may know of the hidden checks: how many, and how many passed."""
        hidden = [test for test in self.tests if test.hidden]
        if hidden:
            passed = sum(test.status is Status.PASS for test in hidden)
            return f"hidden checks: {passed} of {len(hidden)} passed"
        if self.hidden_not_run:
            checks = "hidden check" if self.hidden_not_run == 1 else "hidden checks"
            return (
                f"This exercise also has {self.hidden_not_run} {checks}, run when your "
                "instructor grades."
            )
        return ""


class SubmissionResult(_EngineOnly):
    """Everything graded in one notebook (or one set of sources from a kernel).

    `learner` names whose work it is in a gradebook (a folder or file name, never an
    email); `sha256` identifies the exact file graded, so a resumed batch skips it.
    """

    source: str
    learner: str = ""
    sha256: str = ""
    status: Status
    points: float
    max_points: int
    message: str = ""
    exercises: list[ExerciseResult] = []


class Report(_EngineOnly):
    """The top-level results document that every output format renders."""

    schema_version: Literal[1] = SCHEMA_VERSION
    zendo_version: str
    course: str
    course_version: str = ""
    grader_hashes: dict[str, str] = {}
    submissions: list[SubmissionResult]

    @property
    def all_passed(self) -> bool:
        return bool(self.submissions) and all(s.status is Status.PASS for s in self.submissions)
