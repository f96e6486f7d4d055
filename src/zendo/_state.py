"""The learner's small state file (`.zendo/state.json` in the course folder).

It remembers hint levels, the last verdict of each exercise, quiz answers and revealed
solutions. Written atomically; a corrupt file is set aside and reported, never a crash.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from zendo._files import write_text_atomically

logger = logging.getLogger(__name__)


class ExerciseProgress(BaseModel):
    """The last verdict of one exercise, and whether it ever passed."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status: str
    points: float
    max_points: int
    ever_passed: bool = False
    checked_at: str = ""


class QuizProgress(BaseModel):
    """How a learner has done on one quiz."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    correct: bool
    attempts: int


class State(BaseModel):
    """What the course remembers for a learner between sessions."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = 1
    hint_levels: dict[str, int] = {}
    exercises: dict[str, ExerciseProgress] = {}
    quizzes: dict[str, QuizProgress] = {}
    revealed: list[str] = []


def state_path(root: Path) -> Path:
    return root / ".zendo" / "state.json"


def load_state(root: Path) -> State:
    """Read the state file; a missing one is empty, a corrupt one is moved aside."""
    path = state_path(root)
    if not path.exists():
        return State()
    try:
        return State.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError, ValidationError):
        aside = path.with_suffix(".corrupt.json")
        path.replace(aside)
        logger.warning("State file was unreadable and was set aside", extra={"path": str(aside)})
        return State()


def save_state(root: Path, state: State) -> None:
    write_text_atomically(state_path(root), state.model_dump_json(indent=2) + "\n")


def next_hint_level(root: Path, exercise_id: str) -> int:
    return load_state(root).hint_levels.get(exercise_id, 0) + 1


def record_hint_level(root: Path, exercise_id: str, level: int) -> None:
    state = load_state(root)
    state.hint_levels[exercise_id] = max(level, state.hint_levels.get(exercise_id, 0))
    save_state(root, state)


def record_verdict(
    root: Path, exercise_id: str, status: str, points: float, max_points: int
) -> None:
    """Remember an exercise's latest verdict; a pass is remembered for good."""
    state = load_state(root)
    before = state.exercises.get(exercise_id)
    state.exercises[exercise_id] = ExerciseProgress(
        status=status,
        points=points,
        max_points=max_points,
        ever_passed=status == "pass" or (before is not None and before.ever_passed),
        checked_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    save_state(root, state)


def record_quiz(root: Path, quiz_id: str, correct: bool) -> None:
    state = load_state(root)
    before = state.quizzes.get(quiz_id)
    state.quizzes[quiz_id] = QuizProgress(
        correct=correct or (before is not None and before.correct),
        attempts=(before.attempts if before else 0) + 1,
    )
    save_state(root, state)


def record_reveal(root: Path, exercise_id: str) -> None:
    state = load_state(root)
    if exercise_id not in state.revealed:
        state.revealed.append(exercise_id)
        save_state(root, state)
