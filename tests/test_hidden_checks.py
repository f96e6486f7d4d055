"""Hidden grader tests (issue 10, item 5): they run only in the instructor's batch.

A lesson's `tests/graders/NN_slug/hidden/test_*.py` run in `zendo grade`, never in `zendo
check` nor the notebook's check(); the exported template leaves them out; each exercise's
`hidden_checks = N` lets a self-check say they exist; every report a learner may see
shows only that they are hidden, their status and points. Proved on a copy of the v2
fixture course with a hidden module whose title, message, hint and name are bait.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from tests.test_v2_course import COURSE_V2
from zendo._course import Course, load_course
from zendo._extract import ExerciseSource
from zendo._grade import grade_sources, grader_hashes
from zendo._limits import Limits
from zendo._results import Report
from zendo.render.html import render_exercise_html
from zendo.render.terminal import render_terminal

REPO = Path(__file__).resolve().parents[1]
# What the hidden module holds: in no report, and nowhere in the exported template.
BAIT = ("SECRET-TITLE", "SECRET-MESSAGE", "secret_name")
# The hint the hidden check names (the lesson file, exported, defines it for everyone):
# bob passes every visible check, so neither its id nor its text may reach his reports.
HINT = ("extra_first", "The shares that get an extra unit come first.")

HIDDEN_MODULE = '''"""Hidden checks of calc.split: they run only in the instructor's batch."""

from __future__ import annotations

from zendo.judge import Learner, exercise, expect, show


@exercise("calc.split", title="SECRET-TITLE: more people than the visible checks try")
def test_secret_name_many_people(learner: Learner) -> None:
    observed = learner.call("split", 5, 70)
    expect(
        observed.value == [1] * 5 + [0] * 65,
        f"SECRET-MESSAGE: {observed.shown} returned {show(observed.value)}.",
        hint="extra_first",
    )


@exercise("calc.split", weight=2, title="SECRET-TITLE: a huge total")
def test_secret_name_huge_total(learner: Learner) -> None:
    observed = learner.call("split", 10**15 + 1, 2)
    expect(observed.value == [5 * 10**14 + 1, 5 * 10**14], "SECRET-MESSAGE: huge")
'''

# Right on every visible check (they try at most 60 people), wrong on a hidden one.
FEW_PEOPLE = """# exercise: calc.split
def split(total: int, count: int) -> list[int]:
    if count < 1:
        raise ValueError(f"count must be at least 1, not {count}")
    if count > 60:
        return []
    share, extra = divmod(total, count)
    return [share + 1] * extra + [share] * (count - extra)
"""


def with_hidden_tests(source: Path, target: Path) -> Path:
    """A copy of the v2 fixture course in the folder layout, with a hidden module."""
    shutil.copytree(source, target)
    graders = target / "tests" / "graders"
    (graders / "01_calc" / "hidden").mkdir(parents=True)
    (graders / "test_01_calc.py").rename(graders / "01_calc" / "test_01_calc.py")
    (graders / "01_calc" / "hidden" / "test_01_calc_hidden.py").write_text(
        HIDDEN_MODULE, encoding="utf-8"
    )
    lesson = target / "course" / "01_calc.toml"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("timeout_seconds = 3\n", "timeout_seconds = 3\nhidden_checks = 2\n", 1)
    lesson.write_text(text, encoding="utf-8")
    return target


def hidden_checks_mismatches(course: Course) -> list[str]:
    """Exercises whose `hidden_checks` differs from the hidden tests that really run.

    Counted by grading each lesson's reference with its hidden tests, as the batch does:
    a parametrised test counts once per case, as in every report.
    """
    problems = []
    for lesson in course.lessons:
        hidden = lesson.hidden_grader_files(course.root)
        declared = {exercise.id: exercise.hidden_checks for exercise in lesson.data.exercises}
        if not hidden:
            found = dict.fromkeys(declared, 0)
        else:
            empty = {e: ExerciseSource(e, "\n", 1, None) for e in declared}
            result = grade_sources(
                course, empty, lesson.data.exercises, Limits(), "count", with_hidden=True
            )
            found = {e.id: sum(test.hidden for test in e.tests) for e in result.exercises}
        problems += [
            f"{exercise_id}: hidden_checks = {declared[exercise_id]}, {count} hidden tests run"
            for exercise_id, count in found.items()
            if count != declared[exercise_id]
        ]
    return problems


def zendo(
    course: Path, *arguments: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(course), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
    )


@dataclass
class Batch:
    course: Path
    folder: Path
    gradebook: Path
    junit: Path
    run: subprocess.CompletedProcess[str]

    @property
    def report(self) -> Report:
        return Report.model_validate_json(self.gradebook.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """One `zendo grade --jobs 2` over a right answer and one that fails a hidden check."""
    tmp = tmp_path_factory.mktemp("hidden")
    course = with_hidden_tests(COURSE_V2, tmp / "course")
    solution = course / "solutions" / "01_calc.ipynb"
    folder = tmp / "class"
    for learner, cells in (("ada", {}), ("bob", {"calc.split": FEW_PEOPLE})):
        (folder / learner).mkdir(parents=True)
        replace_cells(solution, cells, folder / learner / "01_calc.ipynb")
    gradebook, junit = tmp / "class.json", tmp / "class.xml"
    run = zendo(
        course, "grade", str(folder), "--jobs", "2", "--gradebook", str(gradebook),
        "--format", "junit", "--output", str(junit),
    )  # fmt: skip
    return Batch(course, folder, gradebook, junit, run)


def split_of(report: Report, learner: str) -> dict[str, object]:
    [submission] = [s for s in report.submissions if s.learner == learner]
    [split] = [e for e in submission.exercises if e.id == "calc.split"]
    return {
        "status": split.status.value,
        "points": split.points,
        "hidden": [(t.name, t.title, t.status.value, t.weight) for t in split.tests if t.hidden],
        "summary": split.hidden_summary,
    }


@pytest.mark.slow
def test_the_batch_runs_hidden_checks_and_counts_them_in_points(batch: Batch) -> None:
    assert batch.run.returncode == 1, batch.run.stderr
    report = batch.report
    assert split_of(report, "ada") == {
        "status": "pass",
        "points": 3.0,
        "hidden": [
            ("hidden-1", "Hidden check", "pass", 1),
            ("hidden-2", "Hidden check", "pass", 2),
        ],
        "summary": "hidden checks: 2 of 2 passed",
    }
    # Visible weights 1 + 2 and hidden weight 2 pass, hidden weight 1 fails: 5/6 of 3 points.
    assert split_of(report, "bob") == {
        "status": "fail",
        "points": 2.5,
        "hidden": [
            ("hidden-1", "Hidden check", "fail", 1),
            ("hidden-2", "Hidden check", "pass", 2),
        ],
        "summary": "hidden checks: 1 of 2 passed",
    }


@pytest.mark.slow
def test_no_report_shows_a_hidden_checks_content(batch: Batch) -> None:
    report = batch.report
    csv_path = batch.gradebook.with_suffix(".csv")
    html = batch.gradebook.with_suffix(".html")
    made = zendo(batch.course, "report", str(batch.gradebook), "--output", str(html))
    assert made.returncode == 0, made.stderr
    bob = next(s for s in report.submissions if s.learner == "bob")
    split = next(e for e in bob.exercises if e.id == "calc.split")
    outputs = {
        "json": batch.gradebook.read_text(encoding="utf-8"),
        "csv": csv_path.read_text(encoding="utf-8"),
        "junit": batch.junit.read_text(encoding="utf-8"),
        "html class report": html.read_text(encoding="utf-8"),
        "terminal": render_terminal(report) + batch.run.stderr + batch.run.stdout,
        "notebook html": render_exercise_html(split),
    }
    for name, text in outputs.items():
        leaked = [bait for bait in (*BAIT, *HINT) if bait in text]
        assert not leaked, (name, leaked)
    rows = [row for row in csv.DictReader(outputs["csv"].splitlines()) if row["learner"] == "bob"]
    assert (
        "hidden checks: 1 of 2 passed"
        in next(r for r in rows if r["exercise"] == "calc.split")["message"]
    )
    suites = ET.fromstring(outputs["junit"]).iter("testsuite")  # noqa: S314 - our own output
    bob_split = next(s for s in suites if s.get("name") == "bob/01_calc.ipynb::calc.split")
    assert {p.get("name"): p.get("value") for p in bob_split.iter("property")}["hidden"] == (
        "hidden checks: 1 of 2 passed"
    )
    assert "Hidden checks: 1 of 2 passed" in outputs["terminal"]
    assert "Hidden checks: 1 of 2 passed" in outputs["notebook html"]


@pytest.mark.slow
def test_a_learners_check_never_runs_hidden_checks_but_says_they_exist(batch: Batch) -> None:
    """bob fails a hidden check; his self-check passes and says two more run later."""
    notebook = batch.folder / "bob" / "01_calc.ipynb"
    run = zendo(batch.course, "check", "calc.split", "--notebook", str(notebook))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "PASS    calc.split" in run.stdout
    assert "This exercise also has 2 hidden checks, run when your instructor grades." in (
        " ".join(run.stdout.split())
    )
    assert not [bait for bait in (*BAIT, *HINT) if bait in run.stdout + run.stderr]


@pytest.mark.slow
def test_the_exported_template_holds_no_hidden_file_name_or_content(
    batch: Batch, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    run = zendo(batch.course, "export-template", str(template), "--repository", "o/n",
                "--version", "v1")  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert (template / "tests" / "graders" / "01_calc" / "test_01_calc.py").is_file()
    for path in template.rglob("*"):
        assert "hidden" not in path.relative_to(template).as_posix(), path
        if path.is_file():
            text = path.read_bytes()
            assert not [bait for bait in BAIT if bait.encode() in text], path
    # The template's own self-check still says how many hidden checks there are.
    notebook = batch.folder / "bob" / "01_calc.ipynb"
    check = zendo(template, "check", "calc.split", "--notebook", str(notebook))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "also has 2 hidden checks" in " ".join(check.stdout.split())
    # Grading with the template (as the learner's CI does) runs no hidden check, warns,
    # and says in bob's results that they did not run: he passes what ran.
    gradebook = tmp_path / "feedback.json"
    graded = zendo(template, "grade", str(batch.folder / "bob"), "--gradebook", str(gradebook))
    assert graded.returncode == 0, graded.stderr
    assert "Warning: lessons calc declare hidden checks" in graded.stderr
    [bob] = Report.model_validate_json(gradebook.read_text(encoding="utf-8")).submissions
    split = next(exercise for exercise in bob.exercises if exercise.id == "calc.split")
    assert (split.status.value, split.hidden_not_run) == ("pass", 2)
    assert not [test for test in split.tests if test.hidden]


@pytest.mark.slow
def test_the_gradebooks_grader_hashes_cover_hidden_files(batch: Batch) -> None:
    course = load_course(batch.course)
    before = grader_hashes(course)
    assert before == batch.report.grader_hashes
    hidden = batch.course / "tests" / "graders" / "01_calc" / "hidden" / "test_01_calc_hidden.py"
    original = hidden.read_text(encoding="utf-8")
    try:
        hidden.write_text(original + "\n# changed\n", encoding="utf-8")
        assert grader_hashes(course)["01_calc"] != before["01_calc"]
    finally:
        hidden.write_text(original, encoding="utf-8")
    assert grader_hashes(course) == before


@pytest.mark.slow
def test_hidden_checks_must_match_the_hidden_tests_there(batch: Batch, tmp_path: Path) -> None:
    assert hidden_checks_mismatches(load_course(batch.course)) == []
    lesson = batch.course / "course" / "01_calc.toml"
    wrong = tmp_path / "course"
    shutil.copytree(batch.course, wrong)
    text = lesson.read_text(encoding="utf-8").replace("hidden_checks = 2", "hidden_checks = 3")
    (wrong / "course" / "01_calc.toml").write_text(text, encoding="utf-8")
    assert hidden_checks_mismatches(load_course(wrong)) == [
        "calc.split: hidden_checks = 3, 2 hidden tests run"
    ]


def test_hidden_checks_is_validated(tmp_path: Path) -> None:
    from zendo._errors import CourseError

    course = tmp_path / "course"
    shutil.copytree(COURSE_V2, course)
    lesson = course / "course" / "01_calc.toml"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(
        text.replace("timeout_seconds = 3\n", 'timeout_seconds = 3\nhidden_checks = "two"\n', 1),
        encoding="utf-8",
    )
    with pytest.raises(CourseError, match="hidden_checks"):
        load_course(course)


def test_every_lessons_hidden_checks_match_its_hidden_tests() -> None:
    """The course's own lessons: `hidden_checks` equals the hidden tests really there."""
    assert hidden_checks_mismatches(load_course(REPO)) == []
