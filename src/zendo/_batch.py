"""Batch grading: many submissions, in parallel, each in its own limited child process.

A submission is one exercise notebook. A folder is searched for them; a learner's copy of
the course (a folder with `exercises/`) gives one submission per exercise notebook. The
engine keeps no result itself: each is handed over as it finishes (`zendo grade` appends
it to the batch's journal, `zendo._journal`), so an interrupted batch resumes without
regrading what is done, and `--shard i/N` grades a deterministic slice that merges back
with the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from zendo._course import Course, Exercise
from zendo._errors import CourseError, InputError, NotebookError, SandboxError
from zendo._extract import ExerciseSource, exercise_ids_in, extract_from_saved
from zendo._forkserver import ForkServer
from zendo._grade import grade_sources
from zendo._limits import Limits
from zendo._notebook import Cell, cells_of, parse_notebook_json, read_notebook_bytes
from zendo._results import Report, Status, SubmissionResult
from zendo._safe_text import encodable
from zendo._sandbox import Launcher
from zendo.judge.batch import BatchJudge

logger = logging.getLogger(__name__)

_SKIPPED_FOLDERS = {".ipynb_checkpoints", ".zendo", ".git", ".venv", "node_modules"}
_SHARD = re.compile(r"^(\d+)/(\d+)$")


@dataclass(frozen=True)
class Submission:
    """One notebook to grade, and whose it is."""

    path: Path
    learner: str
    problem: str = ""  # why it is refused without being read (a symlink, a duplicate)

    @property
    def key(self) -> str:
        """Stable id in gradebooks: the learner and the notebook's file name.

        Names come from the file system, where they need not be valid UTF-8: what no
        gradebook could store is written as a visible escape.
        """
        return encodable(f"{self.learner}/{self.path.name}")


@dataclass(frozen=True)
class Shard:
    """Which slice of a sorted batch this run grades: `index` of `count`, from 1."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD.match(text.strip())
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise InputError(f"--shard takes i/N with 1 ≤ i ≤ N, like 2/4; got {text!r}.")
        return cls(int(match[1]), int(match[2]))

    def keeps(self, position: int) -> bool:
        return position % self.count == self.index - 1


def find_submissions(paths: Sequence[Path], course: Course) -> list[Submission]:
    """Every submission under `paths`, sorted by key; refuse graders that a submission holds.

    What a learner's folder holds is that learner's business: a symlink, or two notebooks
    of one lesson, becomes that learner's refused submission, never a refusal of the
    batch. Two files from different paths given on the command line that would get the
    same gradebook key are refused, never merged: a gradebook must not silently lose a
    learner.
    """
    found: dict[str, Submission] = {}
    stems = {lesson.stem for lesson in course.lessons}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise InputError(f"{path} does not exist. Check the path and try again.")
        _refuse_untrusted_graders(path, course)
        by_key: dict[str, list[Submission]] = {}
        for submission in _submissions_in(path, stems):
            by_key.setdefault(submission.key, []).append(submission)
        for key, group in by_key.items():
            submission = group[0] if len(group) == 1 else _duplicates(group)
            earlier = found.setdefault(key, submission)
            if earlier is not submission and _real(earlier.path) != _real(submission.path):
                raise InputError(
                    f"{earlier.path} and {submission.path} would both be graded as "
                    f"{submission.key!r}: put each learner's notebooks in a folder named "
                    "after the learner, or name each notebook after its learner."
                )
    refused = sum(bool(submission.problem) for submission in found.values())
    if refused:
        logger.warning("Refused submissions without reading them", extra={"refused": refused})
    return [found[key] for key in sorted(found)]


def _real(path: Path) -> Path:
    """Where a path really is; a symlink is its own place (it is never followed)."""
    return path.parent.resolve() / path.name


def _duplicates(group: list[Submission]) -> Submission:
    names = " and ".join(str(submission.path) for submission in group)
    first = group[0]
    return Submission(
        first.path,
        first.learner,
        problem=(
            f"{len(group)} notebooks would be graded as {first.key}: {names}. Keep only "
            "the one to be graded (delete or rename the others) and submit again."
        ),
    )


def _refuse_untrusted_graders(path: Path, course: Course) -> None:
    submitted = path.resolve()
    if course.root == submitted or submitted in course.root.parents:
        raise InputError(
            f"The graders would come from inside the submission {path} (the course folder is "
            f"{course.root}). Grade with a trusted copy of the course: zendo --course "
            "/path/to/trusted/course grade ..."
        )


def _submissions_in(path: Path, lesson_stems: set[str]) -> list[Submission]:
    """The submissions in one path given on the command line, each with its learner.

    A notebook named after a lesson (`05_money.ipynb`) belongs to the folder it sits in
    (or, inside `exercises/`, to the folder above that); any other notebook is named
    after its learner (`ada.ipynb`). Symbolic links inside are never followed: each is
    a refused submission of the learner whose folder holds it.
    """
    if path.is_symlink() and not path.is_dir():
        return [Submission(path, _owner(path, lesson_stems), problem=_symlink(path))]
    if path.is_file():
        return [Submission(path, _owner(path, lesson_stems))]
    if _has_exercises(path):
        return _learner_copy(path, path.resolve().name)
    submissions = []
    for child in sorted(path.iterdir()):
        if child.name in _SKIPPED_FOLDERS:
            continue
        if child.is_symlink():
            if child.is_dir() or child.suffix == ".ipynb":
                owner = child.name if child.is_dir() else _owner(child, lesson_stems)
                submissions.append(Submission(child, owner, problem=_symlink(child)))
        elif child.is_dir() and _has_exercises(child):
            submissions += _learner_copy(child, child.name)
        elif child.is_dir():
            submissions += _notebooks(child, child.name)
        elif child.suffix == ".ipynb":
            submissions.append(Submission(child, _owner(child, lesson_stems)))
    return submissions


def _has_exercises(folder: Path) -> bool:
    exercises = folder / "exercises"
    return exercises.is_symlink() or exercises.is_dir()


def _learner_copy(folder: Path, learner: str) -> list[Submission]:
    exercises = folder / "exercises"
    if exercises.is_symlink():
        return [Submission(exercises, learner, problem=_symlink(exercises))]
    return _notebooks(exercises, learner)


def _owner(notebook: Path, lesson_stems: set[str]) -> str:
    if notebook.stem not in lesson_stems:
        return notebook.stem
    folder = notebook.parent.resolve()
    return folder.parent.name if folder.name == "exercises" else folder.name


def _notebooks(folder: Path, learner: str) -> list[Submission]:
    """The notebooks under `folder`, without following symlinks; a linked one is refused.

    Walks with an explicit stack, so no depth of nested folders can exhaust recursion.
    """
    found: list[Submission] = []
    root = folder.resolve()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable folders hold nothing we could grade
        for entry in entries:
            path = current / entry.name
            if entry.name in _SKIPPED_FOLDERS:
                continue
            if entry.is_symlink():
                if entry.name.endswith(".ipynb"):
                    found.append(Submission(path, learner, problem=_symlink(path)))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(path)
            elif entry.name.endswith(".ipynb"):
                inside = _real(path).is_relative_to(root)
                found.append(Submission(path, learner, problem="" if inside else _outside(path)))
    return sorted(found, key=lambda submission: str(submission.path))


def _symlink(path: Path) -> str:
    return (
        f"{path} is a symbolic link, and a submission must be the notebook file itself: "
        "links are never followed, since they could point at other people's work. Replace "
        "the link with the real notebook and submit again."
    )


def _outside(path: Path) -> str:
    return (
        f"{path} resolves to a place outside its submission folder, so it is not graded. "
        "Submit the notebook file itself, inside your folder."
    )


def exercises_for(
    course: Course, notebook: Path, cells: Sequence[Cell] | None = None
) -> list[Exercise]:
    """The exercises a notebook is graded on: its lesson's, by file name, else by its cells."""
    for lesson in course.lessons:
        if notebook.stem == lesson.stem and lesson.data.exercises:
            return list(lesson.data.exercises)
    if cells is None:
        present = set(exercise_ids_in(notebook))
    else:
        present = {cell.exercise_id for cell in cells if cell.exercise_id}
    lessons = [
        lesson for lesson in course.lessons if present & {e.id for e in lesson.data.exercises}
    ]
    if not lessons:
        raise NotebookError(
            f"{notebook} has no exercise cells of this course, and its name matches no lesson."
        )
    return [exercise for lesson in lessons for exercise in lesson.data.exercises]


def grade_submission(
    course: Course, submission: Submission, limits: Limits, launcher: Launcher | None = None
) -> SubmissionResult:
    """Grade one submission; whatever is wrong with its file is an `error` result.

    The file is read once, without following a symlink, and graded from those bytes: a
    file swapped while the batch runs cannot change what is graded.
    """
    prepared = _prepare(course, submission)
    if isinstance(prepared, SubmissionResult):
        return prepared
    return _grade_prepared(course, prepared, limits, launcher)


@dataclass(frozen=True)
class _Prepared:
    """A submission read and extracted, ready to grade."""

    submission: Submission
    digest: str
    exercises: list[Exercise]
    sources: dict[str, ExerciseSource]


def _prepare(course: Course, submission: Submission) -> _Prepared | SubmissionResult:
    """Read and extract a submission, or the `error` result saying why it cannot be."""
    if submission.problem:
        return _broken(submission, "", submission.problem)
    try:
        raw = read_notebook_bytes(submission.path, follow_symlinks=False)
    except NotebookError as error:
        return _broken(submission, "", str(error))
    digest = hashlib.sha256(raw).hexdigest()
    try:
        cells = cells_of(parse_notebook_json(raw, submission.path), submission.path)
        exercises = exercises_for(course, submission.path, cells)
        sources = extract_from_saved(cells, submission.path, [e.id for e in exercises])
    except NotebookError as error:
        return _broken(submission, digest, str(error))
    return _Prepared(submission, digest, exercises, sources)


def _grade_prepared(
    course: Course, prepared: _Prepared, limits: Limits, launcher: Launcher | None
) -> SubmissionResult:
    submission = prepared.submission
    # The instructor's batch is the one place hidden grader tests run.
    result = grade_sources(
        course,
        prepared.sources,
        prepared.exercises,
        limits,
        submission.key,
        launcher,
        with_hidden=True,
    )
    return result.model_copy(
        update={
            "source": submission.key,
            "learner": encodable(submission.learner),
            "sha256": prepared.digest,
        }
    )


_BROKE_GRADING = (
    "Grading could not finish: while this notebook's code ran, the grading process itself "
    "was stopped or tampered with (for example by os._exit(), by killing or signalling a "
    "process, or by writing to files or pipes that are not yours). The course's checks run "
    "normally without this code. Remove that part, save the notebook and submit again."
)


def _after_fault(
    course: Course, prepared: _Prepared, limits: Limits, server: ForkServer, fault: Exception
) -> SubmissionResult:
    """Whose fault was it: the course's or engine's (raised again), or this submission's?

    The course's graders run once more, in a fresh cold child, on empty code: no learner
    code runs in that probe. If it fails too, the course or the engine is at fault, found
    without learner code, and the batch stops (exit 3). If it passes, the submission
    broke its own run: it is graded once more (a passing fault, such as a process limit
    reached because of another submission, should not cost a learner their grade), and
    if it breaks its run again, that is its `error`.
    """
    server.close()  # whatever the submission did to the warm server, start afresh
    empty = {
        exercise.id: ExerciseSource(exercise.id, "\n", 1, None) for exercise in prepared.exercises
    }
    # A cold child, without the warm server: its errors name the graders' own problem.
    grade_sources(
        course, empty, prepared.exercises, limits, "(the course's own probe)", with_hidden=True
    )
    logger.warning(
        "A submission broke its grading run; the graders run without it",
        extra={"fault": type(fault).__name__, "exercises": sorted(empty)},
    )
    server.close()
    try:
        return _grade_prepared(course, prepared, limits, server)
    except (CourseError, SandboxError):
        server.close()
        return _broken(prepared.submission, prepared.digest, _BROKE_GRADING)


def _broken(submission: Submission, digest: str, message: str) -> SubmissionResult:
    return SubmissionResult(
        source=submission.key,
        learner=encodable(submission.learner),
        sha256=digest,
        status=Status.ERROR,
        points=0.0,
        max_points=0,
        message=encodable(message),
    )


Listener = Callable[[int, int, SubmissionResult], None]


def split_unchanged(
    submissions: Sequence[Submission], done: Mapping[str, str]
) -> tuple[list[Submission], list[Submission]]:
    """(kept, pending): the submissions whose file is the one graded before, by `done`'s
    sha256 for their key, and those to grade. A refused submission is always graded."""
    kept, pending = [], []
    for submission in submissions:
        previous = done.get(submission.key)
        if previous is not None and not submission.problem and previous == _digest(submission.path):
            kept.append(submission)
        else:
            pending.append(submission)
    return kept, pending


def grade_each(
    course: Course,
    pending: Sequence[Submission],
    *,
    jobs: int,
    limits: Limits,
    on_result: Listener | None = None,
    finished: int = 0,
    total: int | None = None,
) -> None:
    """Grade `pending` with `jobs` in parallel, handing each result over as it finishes.

    `on_result(finished, total, result)` is called in this thread, one result at a time,
    with `finished` counting on from the given number (the results kept from before) and
    `total` the whole batch (by default, `pending`). Nothing is kept here: what a result
    needs to outlive this call (a journal, a list) is the listener's to keep, so the
    engine's memory does not grow with the class.
    """
    total = len(pending) + finished if total is None else total
    # One warm grading server per worker: each submission is a fork of a process that has
    # pytest, hypothesis and the graders loaded, not a fresh interpreter. Each worker has
    # two threads: while one's submission is judged, the other reads and extracts the
    # next one and writes its job, or reads the results of the one before (about 3 ms
    # of each anchor submission's 26 that the judge would otherwise wait for). The batch
    # judge serves one job at a time (`BatchJudge.run`); a worker's lock keeps the rest
    # of its server to one thread at a time: v1 lessons, other judges, a fault's probe.
    workers = max(1, jobs)
    lanes = [_Lane() for _ in range(workers)]
    local = threading.local()
    numbers = itertools.count()

    def grade_one(submission: Submission) -> SubmissionResult:
        if not hasattr(local, "lane"):
            local.lane = lanes[next(numbers) % workers]
        lane: _Lane = local.lane
        server = lane.server()
        try:
            prepared = _prepare(course, submission)
            if isinstance(prepared, SubmissionResult):
                return prepared
            try:
                # A batch judge takes one job at a time by itself; anything else (a v1
                # lesson, a warm judge, cold judges where there is no fork) takes the
                # worker's lock, so that `--jobs N` judges N submissions at a time.
                if _judged_v2(course, prepared) and isinstance(server.judge, BatchJudge):
                    return _grade_prepared(course, prepared, limits, server)
                with lane.lock:
                    return _grade_prepared(course, prepared, limits, server)
            except (CourseError, SandboxError) as fault:
                with lane.lock:
                    return _after_fault(course, prepared, limits, server, fault)
        except (CourseError, SandboxError):
            raise  # the course's or the engine's, shown by a run without learner code
        except Exception as error:  # one submission must not end the batch
            # An engine bug met by one notebook: that submission's error, and a log
            # line to report, while the rest of the class is graded.
            logger.exception(
                "Grading one submission failed inside the engine",
                extra={"error": type(error).__name__},
            )
            return _broken(
                submission,
                "",
                f"Zendo could not grade {submission.path.name} because of a fault of its "
                f"own ({type(error).__name__}); your instructor has the details in the log.",
            )

    with contextlib.ExitStack() as cleanup, ThreadPoolExecutor(max_workers=2 * workers) as pool:
        cleanup.callback(_close_all, lanes)
        # Lesson by lesson (a learner's copy holds one notebook per lesson): each worker's
        # batch judge of a lesson then serves a run of submissions before the next lesson's
        # starts, instead of one judge per lesson kept or restarted for every learner.
        ordered = sorted(pending, key=lambda submission: (submission.path.name, submission.key))
        # Only futures not yet handed over are kept: a finished one holds its result.
        running = {pool.submit(grade_one, submission) for submission in ordered}
        for future in as_completed(running):
            running.discard(future)
            try:
                result = future.result()
            except (CourseError, SandboxError):
                for waiting in running:  # the course is broken for everyone: stop early
                    waiting.cancel()
                raise
            finished += 1
            if on_result is not None:
                on_result(finished, total, result)
    logger.info(
        "Graded a batch",
        extra={"submissions": total, "regraded": len(pending), "jobs": jobs},
    )


def grade_batch(
    course: Course,
    submissions: Sequence[Submission],
    *,
    jobs: int,
    limits: Limits,
    done: Mapping[str, SubmissionResult] | None = None,
    on_result: Listener | None = None,
) -> list[SubmissionResult]:
    """Grade submissions and return every result, sorted; keep `done`'s whose file is unchanged.

    This holds the whole class in memory: it is for small batches and tests. `zendo grade`
    streams instead (`grade_each` into a journal, `zendo._journal`). `on_result` is called
    for each submission graded, not for those kept.
    """
    done = done or {}
    kept, pending = split_unchanged(
        submissions, {key: result.sha256 for key, result in done.items()}
    )
    results = {submission.key: done[submission.key] for submission in kept}

    def collect(finished: int, total: int, result: SubmissionResult) -> None:
        results[result.source] = result
        if on_result is not None:
            on_result(finished, total, result)

    grade_each(
        course, pending, jobs=jobs, limits=limits, on_result=collect,
        finished=len(kept), total=len(submissions),
    )  # fmt: skip
    return [results[key] for key in sorted(results)]


class _Lane:
    """One worker of a batch: its launcher, started on first use, and its lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._server: ForkServer | None = None
        self._starting = threading.Lock()

    def server(self) -> ForkServer:
        with self._starting:
            if self._server is None:
                self._server = _worker_server()
            return self._server

    def close(self) -> None:
        if self._server is not None:
            self._server.close()


def _judged_v2(course: Course, prepared: _Prepared) -> bool:
    """Whether every lesson of this submission is judged the v2 way (`BatchJudge`)."""
    return all(course.lesson_of(exercise).data.grader_api == 2 for exercise in prepared.exercises)


def _worker_server() -> ForkServer:
    """A worker's launcher: the warm v1 server, and a batch judge for v2 lessons.

    The batch judge collects each lesson's graders once for the whole batch and forks a
    fresh judge per submission (`zendo.judge.batch`); where there is no warm judge
    (no fork), v2 lessons are judged cold, as everywhere else. The first worker takes
    the launcher `start_worker_early` started, if any.
    """
    with _EARLY_LOCK:
        if _early:
            return _early.pop()
    server = ForkServer()
    if server.judge is not None:
        server.judge = BatchJudge()
    return server


def start_worker_early() -> None:
    """Start one worker's batch judge now (`zendo grade` calls it before reading the course).

    Its imports then overlap the engine's own start; `grade_each`'s first worker takes it.
    A launcher nobody takes is stopped by `discard_early_worker`.
    """
    server = ForkServer()
    if server.judge is not None:
        judge = BatchJudge()
        judge.start_early()
        server.judge = judge
    with _EARLY_LOCK:
        _early.append(server)


def discard_early_worker() -> None:
    """Stop a launcher `start_worker_early` started and no worker took."""
    with _EARLY_LOCK:
        servers = list(_early)
        _early.clear()
    _close_all(servers)


_early: list[ForkServer] = []
_EARLY_LOCK = threading.Lock()


def _close_all(servers: Sequence[ForkServer | _Lane]) -> None:
    for server in servers:
        server.close()


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(read_notebook_bytes(path, follow_symlinks=False)).hexdigest()
    except NotebookError:
        return ""


def check_resumable(previous: Report, current: Report, path: Path) -> None:
    """Refuse to resume from a gradebook made by other graders, or by another zendo.

    A result is reused only when everything that produced it is the same: the course
    version, every grader file's hash and the zendo version. A gradebook without grader
    hashes proves nothing about how it was graded (a hand-written or forged one), so it
    is refused too.
    """
    reasons = []
    if not previous.grader_hashes:
        reasons.append("it records no grader hashes, so nothing shows how it was graded")
    elif previous.grader_hashes != current.grader_hashes:
        changed = sorted(
            stem
            for stem in previous.grader_hashes.keys() | current.grader_hashes.keys()
            if previous.grader_hashes.get(stem) != current.grader_hashes.get(stem)
        )
        reasons.append(f"the graders of {', '.join(changed)} differ from this course's")
    if previous.course_version != current.course_version:
        reasons.append(
            f"it was graded with course version {previous.course_version or '(none)'!r:.60}, "
            f"and this course is version {current.course_version or '(none)'!r}"
        )
    if previous.zendo_version != current.zendo_version:
        reasons.append(
            f"it was graded by zendo {previous.zendo_version!r:.40}, "
            f"and this is zendo {current.zendo_version}"
        )
    if reasons:
        raise InputError(
            f"--resume cannot continue {path}: {'; '.join(reasons)}. Grade everything again "
            "without --resume (the gradebook is then rewritten), or give another --gradebook."
        )


def merge_reports(reports: Sequence[Report]) -> Report:
    """Merge gradebooks of shards of one batch; refuse ones graded by different graders."""
    if not reports:
        raise InputError("Give at least one gradebook to merge.")
    first = reports[0]
    merged: dict[str, SubmissionResult] = {}
    for report in reports:
        if _provenance(report) != _provenance(first):
            raise InputError(
                "These gradebooks were graded with different courses or graders (or "
                "course or zendo versions); merge only shards of one batch."
            )
        for submission in report.submissions:
            merged[submission.source] = submission
    return first.model_copy(update={"submissions": [merged[key] for key in sorted(merged)]})


def _provenance(report: Report) -> tuple[str, str, str, dict[str, str]]:
    return (report.course, report.course_version, report.zendo_version, report.grader_hashes)


def load_report(path: Path) -> Report:
    """Read a JSON gradebook, with one clear sentence naming the problem when it is not one."""
    from pydantic import ValidationError

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{path} does not exist: give the file that `zendo grade --gradebook FILE` "
            "(or `--format json --output FILE`) wrote."
        ) from None
    except OSError as error:
        raise InputError(f"{path} cannot be read: {error.strerror or error}.") from None
    try:
        return Report.model_validate_json(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        if first["type"] == "json_invalid":
            problem = f"is not valid JSON ({first['msg']})"
        elif where == "schema_version":
            problem = (
                f"has schema_version {first['input']!r}, and this zendo reads version 1; "
                "use the zendo that graded it, or grade again"
            )
        else:
            found = "" if first["type"] == "missing" else f" (found {first['input']!r:.60})"
            problem = f"is not a Zendo gradebook: field {where!r}: {first['msg']}{found}"
        raise InputError(f"{path} {problem}.") from None
