"""Facts the lessons state, checked against the course files and the pinned tools.

A lesson's time estimate must cover what it asks of a learner, and a claim about ruff
must be what the pinned ruff does. When a tool upgrade changes one of these facts, the
test that fails names the lesson text to update.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from zendo._course import Lesson, load_course
from zendo._extract import extract_from_notebook
from zendo._notebook import read_cells

COURSE = load_course(REPO)
LESSONS = list(COURSE.lessons)
WORDS_PER_MINUTE = 200
MINUTES_PER_QUIZ = 2


def lesson_ids(lessons: list[Lesson]) -> list[str]:
    return [lesson.stem for lesson in lessons]


def words_in_lesson(lesson: Lesson) -> int:
    """Every whitespace-separated word of the lesson notebook, markdown and code."""
    cells = read_cells(lesson.notebook_path(REPO, "notebooks"))
    return sum(len(cell.source.split()) for cell in cells if cell.cell_type != "raw")


def run_ruff(source: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """The pinned ruff on `source`, ignoring every configuration file; JSON findings."""
    command = [
        sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--color", "never",
        "--output-format", "json", *arguments, "--stdin-filename", "snippet.py", "-",
    ]  # fmt: skip
    return subprocess.run(command, input=source, capture_output=True, text=True, check=False)


def codes(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [finding["code"] for finding in json.loads(result.stdout)]


@pytest.mark.parametrize("lesson", LESSONS, ids=lesson_ids(LESSONS))
def test_lesson_minutes_cover_its_exercises(lesson: Lesson) -> None:
    exercises = sum(exercise.minutes for exercise in lesson.data.exercises)
    assert lesson.data.minutes >= exercises, (
        f"{lesson.stem}: the lesson takes {lesson.data.minutes} minutes, but its exercises "
        f"alone are estimated at {exercises}"
    )


@pytest.mark.parametrize("lesson", LESSONS, ids=lesson_ids(LESSONS))
def test_lesson_minutes_cover_reading_quizzes_and_exercises(lesson: Lesson) -> None:
    words = words_in_lesson(lesson)
    reading = words / WORDS_PER_MINUTE
    quizzes = MINUTES_PER_QUIZ * len(lesson.data.quizzes)
    exercises = sum(exercise.minutes for exercise in lesson.data.exercises)
    needed = math.ceil(reading + quizzes + exercises)
    assert lesson.data.minutes >= needed, (
        f"{lesson.stem}: {words} words at {WORDS_PER_MINUTE} a minute ({reading:.1f} min), "
        f"{quizzes} min of quizzes and {exercises} min of exercises need {needed} minutes; "
        f"course/{lesson.stem}.toml says {lesson.data.minutes}. Update `minutes`, its "
        "comment and the notebook's first cell."
    )


NESTED = """\
def classify(n):
    if n is not None:
        if isinstance(n, int):
            if n > 0:
                if n % 2 == 0:
                    return "positive even"
                return "positive odd"
            return "not positive"
        return "not an int"
    return "missing"
"""


def test_plr1702_reports_nothing_without_preview() -> None:
    # Lesson 01 (section 10), the zen.parse_order task and the instructor's guide say so.
    nesting = ["--select", "PLR1702", "--config", "lint.pylint.max-nested-blocks=3"]
    without = run_ruff(NESTED, *nesting)
    assert codes(without) == []
    assert "Selection `PLR1702` has no effect because preview is not enabled" in without.stderr
    assert codes(run_ruff(NESTED, *nesting, "--preview")) == ["PLR1702"]


def test_complexity_quiz_shows_what_ruff_reports_on_the_parse_order_starter() -> None:
    quiz = COURSE.quiz("zen.complexity")
    shown = re.search(r"`parse_order` is too complex \((\d+) > 5\)", quiz.question)
    assert shown, quiz.question
    starter = extract_from_notebook(REPO / "exercises" / "01_zen.ipynb", ["zen.parse_order"])
    source = starter["zen.parse_order"].source
    result = run_ruff(source, "--select", "C901", "--config", "lint.mccabe.max-complexity=5")
    messages = [finding["message"] for finding in json.loads(result.stdout)]
    assert f"`parse_order` is too complex ({shown.group(1)} > 5)" in messages, messages


def test_pre_016_default_rule_set_is_59_rules() -> None:
    # The quality.extend_select quiz and the quality.ruff_config task say `E4, E7, E9, F`.
    probe = "linter.rules.enabled = ["
    command = [
        sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache",
        "--select", "E4,E7,E9,F", "--show-settings", str(Path(__file__)),
    ]  # fmt: skip
    settings = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    enabled = settings.split(probe, 1)[1].split("\n]", 1)[0]
    assert len(re.findall(r"\(([A-Z]+[0-9]+)\)", enabled)) == 59
