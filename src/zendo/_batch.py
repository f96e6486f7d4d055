"""Batch grading: many submissions, in parallel, each in its own limited child process.

A submission is one exercise notebook. A folder is searched for them; a learner's copy of
the course (a folder with `exercises/`) gives one submission per exercise notebook. The
gradebook is rewritten atomically after every finished submission, so an interrupted
batch resumes without regrading what is done, and `--shard i/N` grades a deterministic
slice that merges back with the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from zendo._course import Course, Exercise
from zendo._errors import InputError, NotebookError
from zendo._extract import exercise_ids_in
from zendo._forkserver import ForkServer
from zendo._grade import grade_notebook
from zendo._limits import Limits
from zendo._results import Report, Status, SubmissionResult
from zendo._sandbox import Launcher

logger = logging.getLogger(__name__)

_SKIPPED_FOLDERS = {".ipynb_checkpoints", ".zendo", ".git", ".venv", "node_modules"}
_SHARD = re.compile(r"^(\d+)/(\d+)$")


@dataclass(frozen=True)
class Submission:
    """One notebook to grade, and whose it is."""

    path: Path
    learner: str

    @property
    def key(self) -> str:
        """Stable id in gradebooks: the learner and the notebook's file name."""
        return f"{self.learner}/{self.path.name}"


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

    Two different files that would get the same gradebook key are refused, never merged:
    a gradebook must not silently lose a learner.
    """
    found: dict[str, Submission] = {}
    stems = {lesson.stem for lesson in course.lessons}
    for path in paths:
        if not path.exists():
            raise InputError(f"{path} does not exist. Check the path and try again.")
        _refuse_untrusted_graders(path, course)
        for submission in _submissions_in(path, stems):
            earlier = found.setdefault(submission.key, submission)
            if earlier.path.resolve() != submission.path.resolve():
                raise InputError(
                    f"{earlier.path} and {submission.path} would both be graded as "
                    f"{submission.key!r}: put each learner's notebooks in a folder named "
                    "after the learner, or name each notebook after its learner."
                )
    return [found[key] for key in sorted(found)]


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
    after its learner (`ada.ipynb`).
    """
    if path.is_file():
        return [Submission(path, _owner(path, lesson_stems))]
    if (path / "exercises").is_dir():
        return [Submission(p, path.resolve().name) for p in _notebooks(path / "exercises")]
    submissions = []
    for child in sorted(path.iterdir()):
        if child.name in _SKIPPED_FOLDERS:
            continue
        if child.is_dir() and (child / "exercises").is_dir():
            submissions += [Submission(p, child.name) for p in _notebooks(child / "exercises")]
        elif child.is_dir():
            submissions += [Submission(p, child.name) for p in _notebooks(child)]
        elif child.suffix == ".ipynb":
            submissions.append(Submission(child, _owner(child, lesson_stems)))
    return submissions


def _owner(notebook: Path, lesson_stems: set[str]) -> str:
    if notebook.stem not in lesson_stems:
        return notebook.stem
    folder = notebook.resolve().parent
    return folder.parent.name if folder.name == "exercises" else folder.name


def _notebooks(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*.ipynb")):
        if not _SKIPPED_FOLDERS.intersection(path.relative_to(folder).parts):
            yield path


def exercises_for(course: Course, notebook: Path) -> list[Exercise]:
    """The exercises a notebook is graded on: its lesson's, by file name, else by its cells."""
    for lesson in course.lessons:
        if notebook.stem == lesson.stem and lesson.data.exercises:
            return list(lesson.data.exercises)
    present = set(exercise_ids_in(notebook))
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
    """Grade one submission; an unreadable notebook is an `error` result, not an exception."""
    try:
        digest = hashlib.sha256(submission.path.read_bytes()).hexdigest()
    except OSError as error:
        return _broken(submission, "", f"{submission.path} cannot be read: {error.strerror}.")
    try:
        result = grade_notebook(
            course, submission.path, exercises_for(course, submission.path), limits, launcher
        )
    except NotebookError as error:
        return _broken(submission, digest, str(error))
    return result.model_copy(
        update={"source": submission.key, "learner": submission.learner, "sha256": digest}
    )


def _broken(submission: Submission, digest: str, message: str) -> SubmissionResult:
    return SubmissionResult(
        source=submission.key,
        learner=submission.learner,
        sha256=digest,
        status=Status.ERROR,
        points=0.0,
        max_points=0,
        message=message,
    )


Listener = Callable[[int, int, SubmissionResult], None]
Saver = Callable[[list[SubmissionResult]], None]


def grade_batch(
    course: Course,
    submissions: Sequence[Submission],
    *,
    jobs: int,
    limits: Limits,
    done: dict[str, SubmissionResult] | None = None,
    on_result: Listener | None = None,
    save: Saver | None = None,
) -> list[SubmissionResult]:
    """Grade submissions with `jobs` in parallel; keep results in `done` whose file is unchanged.

    `on_result(finished, total, result)` is called as each submission finishes, and
    `save(results)` after each, with every result so far, sorted: a crash of the batch
    itself loses at most the submissions still running.
    """
    results: dict[str, SubmissionResult] = {}
    pending = []
    for submission in submissions:
        previous = (done or {}).get(submission.key)
        if previous is not None and previous.sha256 == _digest(submission.path):
            results[submission.key] = previous
        else:
            pending.append(submission)
    lock = threading.Lock()
    total = len(submissions)
    # One warm grading server per worker: each submission is a fork of a process that has
    # pytest, hypothesis and the graders loaded, not a fresh interpreter.
    local = threading.local()
    servers: list[ForkServer] = []

    def grade_one(submission: Submission) -> SubmissionResult:
        if not hasattr(local, "server"):
            local.server = ForkServer()
            with lock:
                servers.append(local.server)
        return grade_submission(course, submission, limits, local.server)

    with contextlib.ExitStack() as cleanup, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        cleanup.callback(_close_all, servers)
        futures = {pool.submit(grade_one, s): s for s in pending}
        for future in as_completed(futures):
            result = future.result()
            with lock:
                results[result.source] = result
                ordered = [results[key] for key in sorted(results)]
                if save is not None:
                    save(ordered)
                if on_result is not None:
                    on_result(len(results), total, result)
    logger.info(
        "Graded a batch",
        extra={"submissions": total, "regraded": len(pending), "jobs": jobs},
    )
    return [results[key] for key in sorted(results)]


def _close_all(servers: list[ForkServer]) -> None:
    for server in servers:
        server.close()


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def merge_reports(reports: Sequence[Report]) -> Report:
    """Merge gradebooks of shards of one batch; refuse ones graded by different graders."""
    if not reports:
        raise InputError("Give at least one gradebook to merge.")
    first = reports[0]
    merged: dict[str, SubmissionResult] = {}
    for report in reports:
        if (report.course, report.grader_hashes) != (first.course, first.grader_hashes):
            raise InputError(
                "These gradebooks were graded with different courses or graders; "
                "merge only shards of one batch."
            )
        for submission in report.submissions:
            merged[submission.source] = submission
    return first.model_copy(update={"submissions": [merged[key] for key in sorted(merged)]})


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
