"""The learner's small state file (`.zendo/state.json` in the course folder).

Written atomically; a corrupt file is set aside and reported, never a crash.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from zendo._files import write_text_atomically

logger = logging.getLogger(__name__)


class State(BaseModel):
    """What the course remembers for a learner between sessions."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = 1
    hint_levels: dict[str, int] = {}


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
    levels = dict(state.hint_levels)
    levels[exercise_id] = max(level, levels.get(exercise_id, 0))
    save_state(root, state.model_copy(update={"hint_levels": levels}))
