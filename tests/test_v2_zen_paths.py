"""One verdict on every path, every run: the Zen and welcome lessons under grading v2.

Issue 9 found batch grading and the notebook's `check()` giving other points than
`zendo check` for the same code. Here every graded submission of the two lessons (the
reference, the untouched starter, and every known wrong answer) goes through the three
entry points a user has, twice each: `zendo check` (a fresh process per run),
`zendo grade --jobs 2` (the batch, warm judges in its workers) and `check()` in a real
kernel (the warm judge of the notebook session). The points, the statuses and the
verdict a learner reads must be the same everywhere, and each known wrong answer must
be caught by the test it names with the hint it names.

To keep this fast, the known wrong answers of the Zen lesson's four exercises share
notebooks: notebook k holds the k-th wrong answer of each exercise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import REPO, replace_cells
from tests.test_course import WRONG_ANSWERS, WrongAnswer
from zendo._course import load_course
from zendo._notebook import read_cells
from zendo._results import ExerciseResult, Report, Status
from zendo.render.terminal import render_exercise_lines

pytestmark = pytest.mark.slow

COURSE = load_course(REPO)
LESSONS = ["01_zen", "00_welcome"]
RUNS = 2
VERDICT = re.compile(r"^\s+(PASS|FAIL|ERROR|TIMEOUT)\s+(\S+): .* \(([\d.]+)/(\d+)\)$", re.M)


@dataclass(frozen=True)
class Submission:
    """One notebook to grade, and the known wrong answers it holds (by exercise id)."""

    name: str
    lesson: str  # the lesson stem: 01_zen
    notebook: Path
    wrong: dict[str, WrongAnswer]


def build_submissions(folder: Path) -> list[Submission]:
    """The reference, the starter and notebooks of known wrong answers, for each lesson."""
    submissions = []
    for stem in LESSONS:
        lesson = next(lesson for lesson in COURSE.lessons if lesson.stem == stem)
        solution = lesson.notebook_path(REPO, "solutions")
        for kind, source in (
            ("reference", solution),
            ("starter", lesson.notebook_path(REPO, "exercises")),
        ):
            target = folder / f"{lesson.slug}-{kind}.ipynb"
            shutil.copy(source, target)
            submissions.append(Submission(target.stem, stem, target, {}))
        ids = [exercise.id for exercise in lesson.data.exercises]
        by_exercise = {i: [w for w in WRONG_ANSWERS if w.exercise_id == i] for i in ids}
        for k in range(max(len(found) for found in by_exercise.values())):
            wrong = {i: found[k] for i, found in by_exercise.items() if k < len(found)}
            target = folder / f"{lesson.slug}-wrong{k}.ipynb"
            replace_cells(solution, {i: w.source for i, w in wrong.items()}, target)
            submissions.append(Submission(target.stem, stem, target, wrong))
    return submissions


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course and its graders in a folder of their own, so runs record state there."""
    root = tmp_path_factory.mktemp("v2-paths") / "course"
    shutil.copytree(REPO / "course", root / "course")
    shutil.copytree(REPO / "tests" / "graders", root / "tests" / "graders")
    return root


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[Submission]:
    folder = tmp_path_factory.mktemp("v2-submissions")
    return build_submissions(folder)


def zendo(root: Path, *args: str) -> str:
    """Run the `zendo` command line against the course copy; its JSON report."""
    completed = subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(root), *args, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode in (0, 1), completed.stderr[-2000:]
    return completed.stdout


def cli_verdicts(root: Path, submission: Submission) -> dict[str, ExerciseResult]:
    slug = COURSE.lessons[[lesson.stem for lesson in COURSE.lessons].index(submission.lesson)].slug
    report = Report.model_validate_json(
        zendo(root, "check", slug, "--notebook", str(submission.notebook))
    )
    [graded] = report.submissions
    return {exercise.id: exercise for exercise in graded.exercises}


def batch_verdicts(root: Path, folder: Path) -> dict[str, dict[str, ExerciseResult]]:
    report = Report.model_validate_json(zendo(root, "grade", str(folder), "--jobs", "2"))
    return {
        Path(graded.source).stem: {exercise.id: exercise for exercise in graded.exercises}
        for graded in report.submissions
    }


def kernel_texts(root: Path, submissions: list[Submission]) -> list[dict[str, dict[str, str]]]:
    """What `check()` shows for each exercise of each submission, run after run, in one kernel.

    Each submission's exercise cells run in the kernel, then one check cell per exercise,
    as a learner does; the next submission's cells replace them (check grades the code
    last run). The whole sequence runs RUNS times in the same kernel session.
    """
    cells: list[str] = []
    order: list[tuple[int, str, str]] = []  # (run, submission, exercise) of each check cell
    for run in range(RUNS):
        for submission in submissions:
            code = [cell for cell in read_cells(submission.notebook) if cell.cell_type == "code"]
            cells += [cell.source for cell in code if cell.is_setup]
            for cell in code:
                if cell.exercise_id:
                    cells.append(cell.source)
            for cell in code:
                if cell.exercise_id:
                    cells.append(
                        f"from zendo.notebook import check\nprint(check({cell.exercise_id!r}).text)"
                    )
                    order.append((run, submission.name, cell.exercise_id))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(root)}}
    )
    client.execute()
    printed = [
        "".join(output.get("text", "") for output in cell.outputs if output.get("name") == "stdout")
        for cell in notebook.cells
        if cell.source.startswith("from zendo.notebook import check\n")
    ]
    assert len(printed) == len(order)
    runs: list[dict[str, dict[str, str]]] = [{} for _ in range(RUNS)]
    for (run, name, exercise_id), text in zip(order, printed, strict=True):
        runs[run].setdefault(name, {})[exercise_id] = text
    return runs


def signature(result: ExerciseResult) -> tuple[object, ...]:
    """Everything a verdict is made of: status, points, and each test's outcome and hint."""
    tests = tuple((test.name, test.status, test.hint_id, test.message) for test in result.tests)
    return (result.status, result.points, result.max_points, tests)


def learner_text(lines: list[str]) -> str:
    """A verdict as the learner reads it, without the 'More help' line (it differs by path)."""
    return "\n".join(line for line in lines if "More help" not in line).rstrip()


@dataclass(frozen=True)
class Graded:
    """Every submission's verdicts from every path and run."""

    cli: list[dict[str, dict[str, ExerciseResult]]]
    batch: list[dict[str, dict[str, ExerciseResult]]]
    kernel: list[dict[str, dict[str, str]]]


@pytest.fixture(scope="module")
def graded(
    course_copy: Path, submissions: list[Submission], tmp_path_factory: pytest.TempPathFactory
) -> Graded:
    folder = tmp_path_factory.mktemp("v2-batch")
    for submission in submissions:
        shutil.copy(submission.notebook, folder / submission.notebook.name)
    # Each `zendo check` is a process of its own: two at a time, as two learners would.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            {s.name: pool.submit(cli_verdicts, course_copy, s) for s in submissions}
            for _ in range(RUNS)
        ]
        cli = [{name: future.result() for name, future in run.items()} for run in futures]
    return Graded(
        cli=cli,
        batch=[batch_verdicts(course_copy, folder) for _ in range(RUNS)],
        kernel=kernel_texts(course_copy, submissions),
    )


def test_every_path_gives_every_submission_the_same_verdict_every_run(
    graded: Graded, submissions: list[Submission]
) -> None:
    first = graded.cli[0]
    for submission in submissions:
        expected = {i: signature(result) for i, result in first[submission.name].items()}
        for run in range(RUNS):
            got_cli = {i: signature(r) for i, r in graded.cli[run][submission.name].items()}
            got_batch = {i: signature(r) for i, r in graded.batch[run][submission.name].items()}
            assert got_cli == expected, (submission.name, "zendo check", run)
            assert got_batch == expected, (submission.name, "zendo grade", run)
            for exercise_id, result in first[submission.name].items():
                shown = graded.kernel[run][submission.name][exercise_id]
                status, shown_id, points, max_points = VERDICT.findall(shown)[0]
                assert (shown_id, status.lower(), float(points), int(max_points)) == (
                    exercise_id,
                    result.status.value,
                    result.points,
                    result.max_points,
                ), (submission.name, "check()", run, shown)
                assert learner_text(shown.splitlines()) == learner_text(
                    render_exercise_lines(result)
                ), (submission.name, exercise_id, "check()", run)


def test_the_verdict_every_path_gives_is_the_lessons_proof(
    graded: Graded, submissions: list[Submission]
) -> None:
    """What the paths agree on is right: references pass, starters fail, and each known
    wrong answer is caught by its named test with its named hint, in every run of every
    path (the test above proves they all give this same verdict)."""
    for stem in LESSONS:
        lesson = next(lesson for lesson in COURSE.lessons if lesson.stem == stem)
        held = [w for s in submissions if s.lesson == stem for w in s.wrong.values()]
        ids = {exercise.id for exercise in lesson.data.exercises}
        assert sorted(w.path for w in held) == sorted(
            w.path for w in WRONG_ANSWERS if w.exercise_id in ids
        ), stem
    for submission in submissions:
        verdicts = graded.cli[0][submission.name]
        kind = submission.name.rsplit("-", 1)[1]
        if kind == "reference":
            assert all(r.status is Status.PASS for r in verdicts.values()), submission.name
            assert all(r.points == r.max_points for r in verdicts.values())
        elif kind == "starter":
            assert all(r.status is Status.FAIL for r in verdicts.values()), submission.name
            assert all(r.points == 0 for r in verdicts.values())
        for exercise_id, wrong in submission.wrong.items():
            result = verdicts[exercise_id]
            caught = [t for t in result.tests if t.name == wrong.caught_by]
            assert caught, (wrong.path.name, [t.name for t in result.tests])
            assert caught[0].status is Status.FAIL, (wrong.path.name, caught[0])
            assert caught[0].hint_id == wrong.hint, (wrong.path.name, caught[0].message)
