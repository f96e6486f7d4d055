"""The grading pipeline: course → learner code → graders in a child → results.

One pipeline serves the notebook, `zendo check` and `zendo grade`, so the same code gets
the same verdict everywhere.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import zendo
from zendo._course import HIDDEN_FOLDER, Course, Exercise
from zendo._errors import CourseError, InputError, SandboxError
from zendo._extract import ExerciseSource, exercise_ids_in, extract_from_notebook
from zendo._limits import Limits
from zendo._results import (
    ChildOutcome,
    ExerciseResult,
    Report,
    Status,
    SubmissionResult,
    TestResult,
    title_from_name,
    worst,
)
from zendo._sandbox import ChildRun, Fate, GradingJob, Launcher, grader_snapshot, run_graders
from zendo.judge.warm import WarmJudge

logger = logging.getLogger(__name__)


def select_exercises(course: Course, names: Sequence[str], notebook: Path | None) -> list[Exercise]:
    """Resolve exercise ids or lesson names to exercises; all in the notebook when none given."""
    if not names:
        if notebook is None:
            raise InputError("Name an exercise or a lesson to check, or give --notebook PATH.")
        present = set(exercise_ids_in(notebook))
        chosen = [exercise for exercise in course.exercises if exercise.id in present]
        if not chosen:
            raise InputError(f"{notebook} has no exercise cells of this course's exercises.")
        return chosen
    chosen = []
    for name in names:
        if "." in name:
            chosen.append(course.exercise(name))
        else:
            chosen.extend(course.lesson(name).data.exercises)
    return list({exercise.id: exercise for exercise in chosen}.values())


def default_notebook(course: Course, exercises: Sequence[Exercise]) -> Path:
    """The learner's exercise notebook for these exercises (all from one lesson)."""
    lessons = {course.lesson_of(exercise).stem for exercise in exercises}
    if len(lessons) != 1:
        raise InputError(
            "These exercises come from several lessons; check one lesson at a time, "
            "or give --notebook PATH."
        )
    return course.lesson_of(exercises[0]).notebook_path(course.root, "exercises")


def grade_notebook(
    course: Course,
    notebook: Path,
    exercises: Sequence[Exercise],
    limits: Limits,
    launcher: Launcher | None = None,
) -> SubmissionResult:
    """Grade the saved notebook at `notebook` on `exercises`."""
    sources = extract_from_notebook(notebook, [exercise.id for exercise in exercises])
    return grade_sources(course, sources, exercises, limits, str(notebook), launcher)


def grade_sources(
    course: Course,
    sources: Mapping[str, ExerciseSource],
    exercises: Sequence[Exercise],
    limits: Limits,
    label: str,
    launcher: Launcher | None = None,
    *,
    with_hidden: bool = False,
) -> SubmissionResult:
    """Grade already-extracted sources: one child process per lesson involved.

    `with_hidden` adds the lessons' hidden grader tests: only the instructor's batch asks
    for it. Without it, each result counts the hidden checks that did not run.
    """
    results: list[ExerciseResult] = []
    for lesson in course.lessons:
        wanted = [e for e in exercises if course.lesson_of(e) is lesson]
        present = {e.id: sources[e.id] for e in wanted if e.id in sources}
        run = None
        hidden: list[Path] = []
        if present:
            graders = lesson.grader_files(course.root)
            hidden = lesson.hidden_grader_files(course.root) if with_hidden else []
            if with_hidden and not hidden and any(e.hidden_checks for e in wanted):
                # A course copy without hidden/ (a template, the learner's CI): the
                # results say the hidden checks did not run; `zendo grade` warns.
                logger.warning(
                    "Hidden checks are declared but absent", extra={"lesson": lesson.stem}
                )
            if not graders or not all(grader.is_file() for grader in graders):
                where = lesson.grader_package(course.root)
                raise CourseError(
                    f"The graders of lesson {lesson.slug!r} are missing: put them in {where}/ "
                    f"or {lesson.grader_path(course.root)}."
                )
            timeouts = {e.id: e.timeout_seconds for e in wanted if e.id in present}
            if lesson.data.grader_api == 2:
                warm = launcher.judge if launcher is not None else None
                run = _judge_v2([*graders, *hidden], present, timeouts, limits, warm, hidden)
            elif len(graders) == 1:
                run = run_graders(GradingJob(graders[0], present, timeouts), limits, launcher)
            else:
                raise CourseError(
                    f"Lesson {lesson.slug!r} has a grader folder, which needs grader_api = 2."
                )
            _raise_on_course_fault(run, lesson.slug)
        for exercise in wanted:
            if run is not None and exercise.id in present:
                result = _exercise_result(course, exercise, run)
                if not (with_hidden and hidden) and exercise.hidden_checks:
                    result = result.model_copy(update={"hidden_not_run": exercise.hidden_checks})
                results.append(result)
            else:
                results.append(_missing(exercise))
    return SubmissionResult(
        source=label,
        status=worst([result.status for result in results]),
        points=round(sum(result.points for result in results), 2),
        max_points=sum(result.max_points for result in results),
        exercises=results,
    )


def make_report(course: Course, submissions: list[SubmissionResult]) -> Report:
    """Wrap submission results in the versioned report every renderer reads.

    The report names the course version and a hash of every grader file, so a gradebook
    says exactly which graders produced it.
    """
    return Report(
        zendo_version=zendo.__version__,
        course=course.title,
        course_version=course.version,
        grader_hashes=grader_hashes(course),
        submissions=submissions,
    )


def grader_hashes(course: Course) -> dict[str, str]:
    """The sha256 of each lesson's graders, by lesson stem.

    A one-file lesson's hash is its file's; a grader folder's covers every module in it
    and in its `hidden/` folder (relative names and contents, helpers included), so any
    change to any of them changes it.
    """
    hashes = {}
    folder = (course.root / "tests" / "graders").resolve()
    if folder.is_dir():
        snapshot = grader_snapshot(folder)
        for lesson in course.lessons:
            package = lesson.grader_package(course.root)
            if package.is_dir():
                digest = hashlib.sha256()
                modules = [*package.glob("*.py"), *package.glob(f"{HIDDEN_FOLDER}/*.py")]
                for module in sorted(modules, key=lambda path: path.relative_to(package)):
                    name = module.relative_to(package).as_posix()
                    digest.update(name.encode() + b"\0" + module.read_bytes() + b"\0")
                hashes[lesson.stem] = digest.hexdigest()
                continue
            name = lesson.grader_path(course.root).name
            if name in snapshot:
                hashes[lesson.stem] = hashlib.sha256(snapshot[name]).hexdigest()
    return hashes


def _judge_v2(
    graders: Sequence[Path],
    sources: Mapping[str, ExerciseSource],
    timeouts: Mapping[str, float],
    limits: Limits,
    warm: WarmJudge | None = None,
    hidden: Sequence[Path] = (),
) -> ChildRun:
    """Grading v2 (issue 9): graders judge from a trusted process, learner code in a sandbox.

    With `warm` (the notebook's and each batch worker's warm judge), the judge is a fork
    of a process that has pytest and hypothesis loaded; without it, a new judge process.
    """
    from zendo.judge.lesson import judge_lesson
    from zendo.judge.sandbox import SandboxUnavailable

    began = time.monotonic()
    try:
        judged = judge_lesson(graders, sources, timeouts, limits, warm=warm, hidden=hidden)
    except SandboxUnavailable as error:
        raise SandboxError(str(error)) from None
    return ChildRun(
        collected=judged.collected,
        outcomes=judged.outcomes,
        fate=Fate(judged.fate),
        detail=judged.detail,
        duration_seconds=time.monotonic() - began,
    )


def _raise_on_course_fault(run: ChildRun, lesson: str) -> None:
    broken = [outcome for outcome in run.outcomes if outcome.exercise_id == "*"]
    if broken:
        raise CourseError(f"The graders of lesson {lesson!r} are broken: {broken[0].message}")
    if run.fate is Fate.INTERNAL:
        raise SandboxError(f"The graders of lesson {lesson!r} could not run: {run.detail}")
    if run.fate is Fate.FINISHED:
        empty = [exercise for exercise, tests in run.collected.items() if not tests]
        if empty:
            raise CourseError(f"Lesson {lesson!r} has no grader tests for {', '.join(empty)}.")


def _missing(exercise: Exercise) -> ExerciseResult:
    return ExerciseResult(
        id=exercise.id,
        title=exercise.title,
        status=Status.ERROR,
        points=0.0,
        max_points=exercise.points,
        message=(
            f"The exercise cell of {exercise.id} is missing: no code cell starts with "
            f"'# exercise: {exercise.id}'. Restore it with `zendo reset {exercise.id}`."
        ),
    )


def _exercise_result(course: Course, exercise: Exercise, run: ChildRun) -> ExerciseResult:
    outcomes = [outcome for outcome in run.outcomes if outcome.exercise_id == exercise.id]
    tests = [_test_result(course, exercise, outcome) for outcome in outcomes]
    tests = _hide(tests)
    expected = run.collected.get(exercise.id, {})
    missing = [name for name in expected if name not in {outcome.test for outcome in outcomes}]
    message = ""
    if missing or not expected:
        # Checks that never reported count as not passed: a run that stopped early (a
        # crash, os._exit, a timeout) can never pass by what it left out.
        status = Status.TIMEOUT if run.fate is Fate.TIMEOUT else Status.ERROR
        message = run.detail or "Some checks did not run."
        stopped = [t for t in tests if t.status is Status.TIMEOUT and not t.hidden]
        if status is Status.TIMEOUT and stopped:
            # One limit per verdict: this exercise's code already ran past its own limit
            # (the same slow code then used up the whole run's time), so the rest of its
            # checks say that limit too, not the whole run's.
            message = stopped[0].message
        tests.append(
            TestResult(
                name="(unfinished)",
                title="Checks that never finished",
                status=status,
                message=message,
                weight=sum(expected[name] for name in missing) or 1,
            )
        )
    total_weight = sum(test.weight for test in tests) or 1
    passed_weight = sum(test.weight for test in tests if test.status is Status.PASS)
    return ExerciseResult(
        id=exercise.id,
        title=exercise.title,
        status=worst([test.status for test in tests]) if tests else Status.ERROR,
        points=round(exercise.points * passed_weight / total_weight, 2),
        max_points=exercise.points,
        message=message,
        tests=tests,
        notes=_notes(outcomes),
    )


def _notes(outcomes: list[ChildOutcome]) -> list[str]:
    """The exercise's notes, each once, in the order the tests made them.

    A hidden test's notes are dropped here too (the judge already drops them): a note
    may say what a check did, and a hidden check keeps only its status and points.
    """
    found = [note for outcome in outcomes if not outcome.hidden for note in outcome.notes]
    return list(dict.fromkeys(found))


def _test_result(course: Course, exercise: Exercise, outcome: ChildOutcome) -> TestResult:
    return TestResult(
        name=outcome.test,
        title=outcome.title or title_from_name(outcome.test),
        status=outcome.status,
        message=outcome.message,
        hint=course.hint_text(outcome.hint_id, exercise),
        hint_id=outcome.hint_id,
        output=outcome.output,
        duration_seconds=outcome.duration_seconds,
        weight=outcome.weight,
        hidden=outcome.hidden,
    )


_HIDDEN_MESSAGES = {
    Status.PASS: "",
    Status.FAIL: "A hidden check did not pass.",
    Status.ERROR: "A hidden check could not finish.",
    Status.TIMEOUT: "A hidden check ran out of time.",
}


def _hide(tests: list[TestResult]) -> list[TestResult]:
    """Strip hidden tests to what a learner may know: that they are hidden, status, points.

    Their name becomes `hidden-N`, their title "Hidden check", and their message a fixed
    sentence by status; no hint, hint id or output is kept, so no report can show them.
    """
    shown = []
    number = 0
    for test in tests:
        if test.hidden:
            number += 1
            test = TestResult(
                name=f"hidden-{number}",
                title="Hidden check",
                status=test.status,
                message=_HIDDEN_MESSAGES[test.status],
                duration_seconds=test.duration_seconds,
                weight=test.weight,
                hidden=True,
            )
        shown.append(test)
    return shown
