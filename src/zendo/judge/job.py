"""The job a judge is given: what the engine writes and the judge reads back, checked.

The engine writes one job file per submission (`judge.lesson`); a judge reads it before
it collects the graders. Every judge's start waits on its imports, and pydantic alone
(about 30 ms of them, with the models built at import) served only to read this file.
So the job is a pair of frozen dataclasses checked here with the standard library,
as strictly as the pydantic models they replace: exact keys, exact JSON types, and the
same bounds, checked again on every construction. A bad job is a `JobError` naming
the field and its value. (What comes back, the results file, carries text derived from
learner code and is still validated with pydantic by the engine: `judge.lesson`.)
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from zendo.judge.sandbox import Isolation, SandboxLimits

MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")
MAX_TIMEOUT_SECONDS = 3600


class JobError(ValueError):
    """A job file that is not what the engine writes."""


@dataclass(frozen=True, kw_only=True)
class ExerciseSpec:
    """One exercise of the submission: its code, where its cell starts, its time limit."""

    exercise_id: str
    module: str  # the name its code is loaded under in the sandbox
    source: str
    cell_start_line: int
    timeout_seconds: float
    defined_elsewhere: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_types(self)
        if not MODULE_NAME.fullmatch(self.module):
            raise JobError(f"module {self.module!r} is not a module name such as money_split.")
        if self.cell_start_line < 1:
            raise JobError(f"cell_start_line {self.cell_start_line} is below 1.")
        if not 0 < self.timeout_seconds <= MAX_TIMEOUT_SECONDS:
            raise JobError(
                f"timeout_seconds {self.timeout_seconds} is not above 0 and at most "
                f"{MAX_TIMEOUT_SECONDS}."
            )


@dataclass(frozen=True, kw_only=True)
class JudgeJob:
    """Everything the judge process needs; no path into the course but the grader files."""

    grader_files: list[str]
    hidden_files: list[str] = field(default_factory=list)  # graders whose outcomes are hidden
    exercises: list[ExerciseSpec]
    memory_mb: int
    max_file_mb: int
    max_processes: int
    max_output_chars: int
    isolation: Isolation
    stdio: bool = False  # the sandbox protocol over stdin/stdout (Windows; forced in tests)
    results_path: str

    def __post_init__(self) -> None:
        _check_types(self)

    def sandbox_limits(self) -> SandboxLimits:
        """The limits every sandbox of this job is started with."""
        return SandboxLimits(
            memory_mb=self.memory_mb,
            max_file_mb=self.max_file_mb,
            max_processes=self.max_processes,
            max_output_chars=self.max_output_chars,
        )

    def without_exercises(self) -> JudgeJob:
        """The same job with no exercise: a batch judge collects its graders with it."""
        return dataclasses.replace(self, exercises=[])

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> JudgeJob:
        """The job in `text`; JobError if it is not JSON of exactly this shape."""
        try:
            data = json.loads(text)
        except ValueError as error:
            raise JobError(f"The job is not JSON: {error}.") from None
        return _build(cls, data, "job")

    @classmethod
    def read(cls, path: Path) -> JudgeJob:
        return cls.from_json(path.read_text(encoding="utf-8"))


# How each field's type (as written above) is checked: exactly the types JSON gives.
_IS: dict[str, Callable[[object], bool]] = {
    "str": lambda value: type(value) is str,
    "int": lambda value: type(value) is int,
    "float": lambda value: type(value) in (int, float),
    "bool": lambda value: type(value) is bool,
    "Isolation": lambda value: isinstance(value, Isolation),
    "list[str]": lambda value: type(value) is list and all(type(item) is str for item in value),
    "dict[str, str]": lambda value: (
        type(value) is dict and all(type(k) is str and type(v) is str for k, v in value.items())
    ),
    "list[ExerciseSpec]": lambda value: (
        type(value) is list and all(type(item) is ExerciseSpec for item in value)
    ),
}


def _check_types(instance: ExerciseSpec | JudgeJob) -> None:
    for spec in dataclasses.fields(instance):
        value = getattr(instance, spec.name)
        if not _IS[str(spec.type)](value):
            raise JobError(f"{spec.name} {_shown(value)} is not of type {spec.type}.")


Built = TypeVar("Built", ExerciseSpec, JudgeJob)


def _build(kind: type[Built], data: object, where: str) -> Built:
    """`kind` from JSON data: no key missing (but those with defaults), none unknown."""
    if type(data) is not dict:
        raise JobError(f"{where} is {_shown(data)}, not a JSON object.")
    fields = {spec.name: spec for spec in dataclasses.fields(kind)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise JobError(f"{where} has unknown keys: {', '.join(map(repr, unknown))}.")
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in data:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                raise JobError(f"{where} has no {name}.")
            continue
        value = data[name]
        if spec.type == "Isolation":
            try:
                value = Isolation(value)
            except (ValueError, TypeError):
                raise JobError(f"{where}.{name} {_shown(value)} is not an isolation.") from None
        elif spec.type == "list[ExerciseSpec]" and type(value) is list:
            value = [
                _build(ExerciseSpec, item, f"{where}.{name}[{i}]") for i, item in enumerate(value)
            ]
        values[name] = value
    try:
        return kind(**values)
    except JobError as error:
        raise JobError(f"{where}: {error}") from None


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
