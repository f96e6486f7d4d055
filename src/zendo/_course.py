"""The course model: lessons and exercises, loaded from `course/*.toml` and validated.

Every fact a learner or instructor sees (titles, points, time estimates, objectives,
levelled hints, failure hints) is kept once, in a lesson file, and checked here when it
is loaded. Bad data fails at load with the file and the field named, never later in the
middle of grading.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, NewType, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from zendo._errors import CourseError, InputError

logger = logging.getLogger(__name__)

ExerciseId = NewType("ExerciseId", str)

_LESSON_FILE = re.compile(r"^(?P<number>\d\d)_(?P<name>[a-z][a-z0-9_]*)\.toml$")
_LESSON_STEM = r"^\d\d_[a-z][a-z0-9_]*$"
_EXERCISE_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
_HINT_ID = r"^[a-z][a-z0-9_]*$"
HIDDEN_FOLDER = "hidden"  # in a lesson's grader folder: tests learners never see

NonEmptyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Exercise(_Strict):
    """One graded exercise: its id, title, points, time estimate and levelled hints."""

    id: Annotated[str, StringConstraints(pattern=_EXERCISE_ID)]
    title: NonEmptyText
    points: Annotated[int, Field(gt=0, le=100)]
    minutes: Annotated[int, Field(gt=0, le=240)]
    hint_levels: Annotated[list[NonEmptyText], Field(min_length=1, max_length=5)]
    timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    # How many grader tests of this exercise sit in the lesson's `hidden/` folder: they
    # run only in the instructor's batch, and a learner's self-check says how many there
    # are even where the folder is absent (the exported template). A course test keeps it
    # equal to the hidden tests really there.
    hidden_checks: Annotated[int, Field(ge=0, le=100)] = 0

    @property
    def lesson_slug(self) -> str:
        return self.id.split(".", 1)[0]


class QuizOption(_Strict):
    """One option of a multiple-choice question, with why it is right or wrong."""

    text: NonEmptyText
    correct: bool
    explanation: NonEmptyText


class QuizPair(_Strict):
    """One prompt of a matching question and the answer it belongs with."""

    prompt: NonEmptyText
    answer: NonEmptyText
    explanation: NonEmptyText


class Quiz(_Strict):
    """A question in a lesson: multiple choice (`choice`) or matching (`match`)."""

    id: Annotated[str, StringConstraints(pattern=_EXERCISE_ID)]
    kind: Literal["choice", "match"]
    question: NonEmptyText
    options: list[QuizOption] = []
    pairs: list[QuizPair] = []

    @model_validator(mode="after")
    def _fits_its_kind(self) -> Self:
        if self.kind == "choice":
            if len(self.options) < 2 or self.pairs:
                raise ValueError("a 'choice' quiz needs two or more options and no pairs")
            if sum(option.correct for option in self.options) != 1:
                raise ValueError("a 'choice' quiz needs exactly one correct option")
        else:
            if len(self.pairs) < 2 or self.options:
                raise ValueError("a 'match' quiz needs two or more pairs and no options")
            prompts = [pair.prompt for pair in self.pairs]
            if len(set(prompts)) != len(prompts):
                raise ValueError("a 'match' quiz's prompts must all differ")
        return self


class LessonData(_Strict):
    """The validated contents of one lesson file, before it is tied to its stem."""

    slug: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    title: NonEmptyText
    minutes: Annotated[int, Field(gt=0, le=600)]
    # The lessons (by stem, `02_code_quality`) a learner should finish first; [] for none.
    # Each must be an earlier lesson of the course: `load_course` checks that, and the
    # notebook's first cell repeats them in a `Prerequisites:` line. The default keeps
    # small test courses short; tests/test_course.py requires the field in every lesson
    # this course ships.
    prerequisites: list[Annotated[str, StringConstraints(pattern=_LESSON_STEM)]] = []
    questions: Annotated[list[NonEmptyText], Field(min_length=1)]
    objectives: Annotated[list[NonEmptyText], Field(min_length=1)]
    key_points: Annotated[list[NonEmptyText], Field(min_length=1)]
    exercises: list[Exercise] = []
    quizzes: list[Quiz] = []
    hints: dict[Annotated[str, StringConstraints(pattern=_HINT_ID)], NonEmptyText] = {}
    # Which grader API the lesson's graders use: 1 runs them beside learner code (today's
    # three lessons); 2 judges from a trusted process, learner code in a sandbox (issue 9).
    grader_api: Literal[1, 2] = 1


@dataclass(frozen=True)
class Lesson:
    """A lesson with the stem (`05_money`) that names its files everywhere."""

    stem: str
    number: int
    data: LessonData

    @property
    def slug(self) -> str:
        return self.data.slug

    @property
    def title(self) -> str:
        return self.data.title

    def notebook_path(self, root: Path, folder: str) -> Path:
        """Where this lesson's notebook lives in `notebooks/`, `exercises/` or `solutions/`."""
        return root / folder / f"{self.stem}.ipynb"

    def grader_path(self, root: Path) -> Path:
        """The lesson's grader module of the one-file layout: `tests/graders/test_NN_slug.py`."""
        return root / "tests" / "graders" / f"test_{self.stem}.py"

    def grader_package(self, root: Path) -> Path:
        """The lesson's grader folder: `tests/graders/NN_slug/`, one module per exercise."""
        return root / "tests" / "graders" / self.stem

    def grader_files(self, root: Path) -> list[Path]:
        """Every grader module of the lesson: its folder's `test_*.py`, else the one file.

        A folder holds one module per exercise or concern (none over 400 lines) and may
        hold shared helpers in modules not named `test_*`. Module names are unique across
        the course, because pytest imports each by its own name.
        """
        package = self.grader_package(root)
        if package.is_dir():
            return sorted(package.glob("test_*.py"))
        return [self.grader_path(root)]

    def hidden_grader_files(self, root: Path) -> list[Path]:
        """The lesson's hidden grader modules: `tests/graders/NN_slug/hidden/test_*.py`.

        Hidden tests run only in the instructor's batch (`zendo grade`), never in a
        learner's self-check, and the exported template leaves the folder out.
        """
        return sorted((self.grader_package(root) / HIDDEN_FOLDER).glob("test_*.py"))

    def grader_files_with_hidden(self, root: Path) -> list[Path]:
        """The visible grader modules, then the hidden ones: what the instructor's batch runs."""
        return [*self.grader_files(root), *self.hidden_grader_files(root)]


@dataclass(frozen=True)
class Course:
    """The whole course: its root folder, title and lessons in order."""

    root: Path
    title: str
    lessons: tuple[Lesson, ...]
    version: str = ""

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(exercise for lesson in self.lessons for exercise in lesson.data.exercises)

    def exercise(self, exercise_id: str) -> Exercise:
        """Return the exercise with this id, or raise InputError listing close matches."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        known = ", ".join(exercise.id for exercise in self.exercises)
        raise InputError(f"There is no exercise {exercise_id!r}. Known exercises: {known}.")

    def lesson_of(self, exercise: Exercise) -> Lesson:
        for lesson in self.lessons:
            if lesson.slug == exercise.lesson_slug:
                return lesson
        raise CourseError(f"Exercise {exercise.id!r} belongs to no lesson.")  # pragma: no cover

    def lesson(self, name: str) -> Lesson:
        """Return the lesson named by its slug (`money`) or stem (`05_money`)."""
        for lesson in self.lessons:
            if name in (lesson.slug, lesson.stem):
                return lesson
        known = ", ".join(lesson.slug for lesson in self.lessons)
        raise InputError(f"There is no lesson {name!r}. Known lessons: {known}.")

    def quiz(self, quiz_id: str) -> Quiz:
        """Return the quiz with this id, or raise InputError listing the known ones."""
        quizzes = [quiz for lesson in self.lessons for quiz in lesson.data.quizzes]
        for quiz in quizzes:
            if quiz.id == quiz_id:
                return quiz
        known = ", ".join(quiz.id for quiz in quizzes) or "none yet"
        raise InputError(f"There is no quiz {quiz_id!r}. Known quizzes: {known}.")

    def hint_text(self, hint_id: str | None, exercise: Exercise) -> str | None:
        """The learner-facing text of a failure hint named by a grader, if any."""
        if hint_id is None:
            return None
        return self.lesson_of(exercise).data.hints.get(hint_id)


def find_course_root(start: Path | None = None) -> Path:
    """Find the course folder: the nearest folder upwards holding `course/course.toml`.

    Falls back to the source checkout this package was installed from (an editable
    install), so `zendo` works from any folder of a learner's machine.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "course" / "course.toml").is_file():
            return folder
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "course" / "course.toml").is_file():
        return checkout
    raise InputError(
        f"No course found in {here} or its parents (looked for course/course.toml). "
        "Run zendo inside the course folder, or pass --course PATH."
    )


def load_course(root: Path) -> Course:
    """Load and validate every lesson file under `root/course/`."""
    # Absolute, because the grading child runs in another working directory.
    root = root.resolve()
    course_file = root / "course" / "course.toml"
    if not course_file.is_file():
        raise InputError(f"{course_file} does not exist: is {root} a Zendo course folder?")
    course_data = _read_toml(course_file)
    title = course_data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CourseError(f"{course_file}: field 'title' must be a non-empty string.")
    version = course_data.get("version", "")
    if not isinstance(version, str):
        raise CourseError(f"{course_file}: field 'version' must be a string like \"2026.11\".")
    lessons = tuple(
        _load_lesson(path)
        for path in sorted((root / "course").glob("*.toml"))
        if path != course_file
    )
    _check_unique(lessons)
    _check_prerequisites(root, lessons)
    logger.debug("Loaded course", extra={"lessons": len(lessons), "root": str(root)})
    return Course(root=root, title=title, lessons=lessons, version=version)


def _load_lesson(path: Path) -> Lesson:
    match = _LESSON_FILE.match(path.name)
    if match is None:
        raise CourseError(
            f"{path}: lesson files are named NN_slug.toml (two digits, an underscore, "
            "a lower-case slug); rename this file."
        )
    try:
        data = LessonData.model_validate(_read_toml(path))
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise CourseError(f"{path}: field {field!r}: {first['msg']}.") from None
    # The slug (the prefix of exercise ids) may be shorter than the file name's part:
    # `02_code_quality.toml` holds the lesson `quality`, with ids like `quality.types`.
    for item_id in [exercise.id for exercise in data.exercises] + [q.id for q in data.quizzes]:
        if item_id.split(".", 1)[0] != data.slug:
            raise CourseError(
                f"{path}: id {item_id!r} must start with the lesson slug '{data.slug}.'."
            )
    return Lesson(stem=path.stem, number=int(match["number"]), data=data)


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise CourseError(f"{path}: not valid TOML: {error}.") from None


def _check_unique(lessons: tuple[Lesson, ...]) -> None:
    seen: dict[str, str] = {}
    for lesson in lessons:
        ids = [e.id for e in lesson.data.exercises] + [q.id for q in lesson.data.quizzes]
        for key in (f"lesson {lesson.slug}", *ids):
            if key in seen:
                raise CourseError(f"{key!r} is defined twice: in {seen[key]} and {lesson.stem}.")
            seen[key] = lesson.stem


def _check_prerequisites(root: Path, lessons: tuple[Lesson, ...]) -> None:
    """Every prerequisite names an earlier lesson of the course, once.

    A copy of the course may leave lessons out (one lesson handed to a class, a test's
    course): a prerequisite whose number no lesson here has is taken as one of those.
    """
    order = {lesson.stem: index for index, lesson in enumerate(lessons)}
    numbers = {stem[:2] for stem in order}
    for index, lesson in enumerate(lessons):
        path = root / "course" / f"{lesson.stem}.toml"
        earlier = ", ".join(stem for stem, at in order.items() if at < index) or "none"
        seen: set[str] = set()
        for stem in lesson.data.prerequisites:
            if stem in seen:
                raise CourseError(
                    f"{path}: field 'prerequisites' names {stem!r} twice; keep it once."
                )
            seen.add(stem)
            if stem not in order and stem < lesson.stem and stem[:2] not in numbers:
                continue  # an earlier lesson that this copy of the course leaves out
            if stem not in order and stem < lesson.stem:
                raise CourseError(
                    f"{path}: field 'prerequisites' names {stem!r}, which is not a lesson of "
                    f"this course. Name earlier lessons by their file stem; here: {earlier}."
                )
            if stem not in order or order[stem] >= index:
                raise CourseError(
                    f"{path}: field 'prerequisites' names {stem!r}, which does not come "
                    f"before {lesson.stem}. A lesson can only build on earlier ones; "
                    f"name one of: {earlier}."
                )
