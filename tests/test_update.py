"""`zendo update` with real git: a learner's clone gets the course's changes, keeps answers.

Each test makes an "upstream" repository from a copy of the course, clones it as a
learner would, works in the clone the way JupyterLab saves notebooks, changes the
upstream the way an author does (edit a solution, `zendo build`, commit), then runs
`python -m zendo update` in the clone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

EXERCISES = Path("exercises/05_money.ipynb")
LESSON = Path("notebooks/05_money.ipynb")
SOLUTIONS = Path("solutions/05_money.ipynb")
ANSWER = """# exercise: money.split
def split(total_minor: int, n: int) -> list[int]:
    # my attempt: divide, then round
    return [round(total_minor / n)] * n
"""
NEW_TODO = "hand out the remainder one unit at a time"
TIP_SOLUTION = """# exercise: money.tip
def tip(total_minor: int, percent: int) -> int:
    \"\"\"The tip on total_minor, in whole minor units.\"\"\"
    # BEGIN SOLUTION: return percent of total_minor, in whole units
    return total_minor * percent // 100
    # END SOLUTION"""


@pytest.fixture(autouse=True)
def _hermetic_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git as on a fresh machine: no user or system configuration, no repository above."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for variable in ("NAME", "EMAIL"):
        for role in ("AUTHOR", "COMMITTER"):
            monkeypatch.setenv(
                f"GIT_{role}_{variable}", "Author" if variable == "NAME" else "a@b.c"
            )


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout


def zendo(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(folder), *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def copy_course(target: Path) -> Path:
    for folder in ("course", "notebooks", "exercises", "solutions", "tests/graders"):
        shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("wrong"))
    shutil.copy2(REPO / ".gitignore", target / ".gitignore")
    return target


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    root = copy_course(tmp_path / "upstream")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", ".")
    git(root, "commit", "--quiet", "-m", "The course")
    return root


@pytest.fixture
def learner(upstream: Path, tmp_path: Path) -> Path:
    clone = tmp_path / "learner"
    git(tmp_path, "clone", "--quiet", str(upstream), str(clone))
    return clone


def load(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def save_like_jupyterlab(path: Path, notebook: dict[str, object]) -> None:
    """Write a notebook as JupyterLab does: sources as lists of lines, one-space indent."""
    for cell in cells(notebook):
        if isinstance(cell["source"], str):
            cell["source"] = cell["source"].splitlines(keepends=True)
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def cells(notebook: dict[str, object]) -> list[dict[str, object]]:
    found = notebook["cells"]
    assert isinstance(found, list)
    return found


def source(cell: dict[str, object]) -> str:
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else str(text)


def cell_index(notebook: dict[str, object], line: str) -> int:
    """The index of the first cell with `line` among its lines."""
    for index, cell in enumerate(cells(notebook)):
        if line in source(cell).split("\n"):
            return index
    raise AssertionError(f"no cell has the line {line!r}")


def answer_split_and_run(clone: Path) -> None:
    """The learner's session: answer money.split, run it and its check, add a scratch cell,
    and run the lesson notebook."""
    notebook = load(clone / EXERCISES)
    split = cell_index(notebook, "# exercise: money.split")
    cells(notebook)[1].update(execution_count=1)
    cells(notebook)[split].update(source=ANSWER, execution_count=2)
    cells(notebook)[split + 1].update(
        execution_count=3,
        outputs=[{"output_type": "stream", "name": "stdout", "text": ["FAIL money.split\n"]}],
    )
    scratch = {
        "cell_type": "code",
        "execution_count": 4,
        "id": "5f0c2a9e-learner-scratch",
        "metadata": {},
        "outputs": [
            {
                "output_type": "execute_result",
                "execution_count": 4,
                "data": {"text/plain": ["[33, 33, 33]"]},
                "metadata": {},
            }
        ],
        "source": "split(100, 3)",
    }
    cells(notebook).insert(split + 2, scratch)
    save_like_jupyterlab(clone / EXERCISES, notebook)
    lesson = load(clone / LESSON)
    for number, cell in enumerate(c for c in cells(lesson) if c["cell_type"] == "code"):
        cell.update(
            execution_count=number + 1,
            outputs=[{"output_type": "stream", "name": "stdout", "text": [f"ran {number}\n"]}],
        )
    save_like_jupyterlab(clone / LESSON, lesson)


def change_upstream(root: Path) -> None:
    """The author's release: a new section in the lesson, a new starter for money.split
    and a new exercise, built with `zendo build` and committed."""
    lesson = load(root / LESSON)
    cells(lesson).append(
        {"cell_type": "markdown", "id": "money-new", "metadata": {}, "source": "## New section"}
    )
    (root / LESSON).write_text(json.dumps(lesson, indent=1, sort_keys=True) + "\n")
    solution = load(root / SOLUTIONS)
    split = cells(solution)[cell_index(solution, "# exercise: money.split")]
    split["source"] = source(split).replace(
        "# BEGIN SOLUTION: return n whole-unit shares that add up to total_minor",
        f"# BEGIN SOLUTION: {NEW_TODO}",
    )
    convert_check = cell_index(solution, 'check("money.convert")')
    cells(solution).insert(
        convert_check + 1,
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "money-ex-tip",
            "metadata": {},
            "outputs": [],
            "source": TIP_SOLUTION,
        },
    )
    (root / SOLUTIONS).write_text(json.dumps(solution, indent=1, sort_keys=True) + "\n")
    built = zendo(root, "build", "money")
    assert built.returncode == 0, built.stderr
    assert "updated   exercises/05_money.ipynb" in built.stdout
    git(root, "commit", "--quiet", "-am", "A new section, a clearer starter, a tip exercise")


def verdict(clone: Path) -> list[tuple[str, float, list[tuple[str, str, str]]]]:
    checked = zendo(clone, "check", "money.split", "--format", "json")
    assert checked.returncode == 1, checked.stderr
    report = json.loads(checked.stdout)
    return [
        (
            exercise["status"],
            exercise["points"],
            [(test["name"], test["status"], test["message"]) for test in exercise["tests"]],
        )
        for submission in report["submissions"]
        for exercise in submission["exercises"]
    ]


def test_update_keeps_answers_and_brings_the_course_changes(upstream: Path, learner: Path) -> None:
    answer_split_and_run(learner)
    zen = Path("notebooks/01_zen.ipynb")  # run by the learner, not changed by the course
    zen_lesson = load(learner / zen)
    cells(zen_lesson)[0]["metadata"] = {"collapsed": True}
    save_like_jupyterlab(learner / zen, zen_lesson)
    zen_bytes = (learner / zen).read_bytes()
    before = verdict(learner)
    mine = {path: (learner / path).read_bytes() for path in (EXERCISES, LESSON)}
    change_upstream(upstream)

    state = (learner / ".zendo" / "state.json").read_bytes()

    updated = zendo(learner, "update")

    assert updated.returncode == 0, updated.stderr
    assert (learner / ".zendo" / "state.json").read_bytes() == state
    lines = updated.stdout.splitlines()
    assert lines[0].startswith("Updated the course from ")
    assert any(
        line.startswith("kept      money.split: your answer in exercises/05_money.ipynb")
        and "changed this exercise's starter" in line
        for line in lines
    ), updated.stdout
    assert "new       money.tip in exercises/05_money.ipynb, with its starter" in lines
    assert "kept      1 cell(s) you added, after the cells they followed" in lines
    assert any(
        line.startswith(f"updated   {LESSON}: the course changed it; you had only run it")
        for line in lines
    ), updated.stdout
    # The learner's history is the course's: moved forward, no merge commit.
    assert git(learner, "rev-parse", "HEAD") == git(upstream, "rev-parse", "HEAD")
    assert git(learner, "rev-list", "--merges", "HEAD") == ""
    assert f"unchanged by the course, so left as you had them: {zen}" in lines
    assert (learner / zen).read_bytes() == zen_bytes
    # Only the learner's work differs from the course's new version.
    assert git(learner, "status", "--porcelain") == f" M {EXERCISES}\n M {zen}\n"
    assert (learner / LESSON).read_bytes() == (upstream / LESSON).read_bytes()
    expected = load(upstream / EXERCISES)
    split = cell_index(expected, "# exercise: money.split")
    learners = load(learner / EXERCISES)
    kept = cells(learners)[split]
    assert source(kept) == ANSWER
    assert kept["execution_count"] == 2
    cells(expected)[split].update(source=ANSWER, execution_count=2)
    cells(expected).insert(split + 2, cells(learners)[split + 2])
    assert source(cells(learners)[split + 2]) == "split(100, 3)"
    assert learners == expected
    tip = cells(learners)[cell_index(learners, "# exercise: money.tip")]
    assert "raise NotImplementedError  # TODO: return percent of total_minor" in source(tip)
    for path in (EXERCISES, LESSON):
        assert "<<<<<<<" not in (learner / path).read_text()
    # Backups hold the learner's files exactly as they were.
    backups = list((learner / ".zendo" / "backups").iterdir())
    assert len(backups) == 1
    assert f"Backups of every file you had changed: .zendo/backups/{backups[0].name}/" in lines
    for path, content in mine.items():
        assert (backups[0] / path).read_bytes() == content
    assert verdict(learner) == before

    again = zendo(learner, "update")

    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Already up to date with origin/main")
    assert json.loads((learner / EXERCISES).read_text()) == expected
    assert len(list((learner / ".zendo" / "backups").iterdir())) == 1


def test_an_answer_whose_exercise_was_removed_stays_in_the_backup(
    upstream: Path, learner: Path
) -> None:
    answer_split_and_run(learner)
    notebook = load(upstream / EXERCISES)
    split = cell_index(notebook, "# exercise: money.split")
    del cells(notebook)[split : split + 2]
    (upstream / EXERCISES).write_text(json.dumps(notebook, indent=1, sort_keys=True) + "\n")
    git(upstream, "commit", "--quiet", "-am", "Retire money.split")

    updated = zendo(learner, "update")

    assert updated.returncode == 0, updated.stderr
    backup = next((learner / ".zendo" / "backups").iterdir())
    assert (
        "gone      money.split: the course removed this exercise from exercises/05_money.ipynb;"
        f" your answer is in the backup, .zendo/backups/{backup.name}/exercises/05_money.ipynb"
    ) in updated.stdout.splitlines()
    assert ANSWER in source(cells(load(backup / EXERCISES))[split])
    assert (
        "moved     1 cell(s) you added whose place is gone: they are in the backup, "
        f".zendo/backups/{backup.name}/"
    ) in updated.stdout.splitlines()
    sources = [source(cell) for cell in cells(load(learner / EXERCISES))]
    assert not [text for text in sources if text.startswith("# exercise: money.split")]
    assert "split(100, 3)" not in sources


def test_a_failing_pull_leaves_everything_as_it_was(upstream: Path, learner: Path) -> None:
    answer_split_and_run(learner)
    (learner / "notes.md").write_text("my notes\n")
    change_upstream(upstream)
    (upstream / "notes.md").write_text("the course's notes\n")
    git(upstream, "add", "notes.md")
    git(upstream, "commit", "--quiet", "-m", "Add notes")
    files = {path: (learner / path).read_bytes() for path in (EXERCISES, LESSON, Path("notes.md"))}
    status = git(learner, "status", "--porcelain")
    head = git(learner, "rev-parse", "HEAD")

    updated = zendo(learner, "update")

    assert updated.returncode == 1
    assert updated.stderr.strip().splitlines() == [
        "Error: The course's new version adds files that you already have, untracked by git: "
        "notes.md. Nothing was changed. Rename or move yours, then run zendo update again."
    ]
    assert {path: (learner / path).read_bytes() for path in files} == files
    assert git(learner, "status", "--porcelain") == status
    assert git(learner, "rev-parse", "HEAD") == head


def test_own_commits_that_the_course_lacks_stop_the_update_before_any_change(
    upstream: Path, learner: Path
) -> None:
    answer_split_and_run(learner)
    git(learner, "commit", "--quiet", "-m", "My answer", "--", str(EXERCISES))
    change_upstream(upstream)
    lesson = (learner / LESSON).read_bytes()

    updated = zendo(learner, "update")

    assert updated.returncode == 1
    assert "Your branch has 1 commit(s) that the course does not have" in updated.stderr
    assert len(updated.stderr.strip().splitlines()) == 1
    assert (learner / LESSON).read_bytes() == lesson
    assert not (learner / ".zendo" / "backups").exists()


def test_a_course_that_is_not_a_git_clone_is_refused_in_one_line(tmp_path: Path) -> None:
    copy = copy_course(tmp_path / "downloaded")

    updated = zendo(copy, "update")

    assert updated.returncode == 2
    assert updated.stdout == ""
    assert updated.stderr.strip().splitlines() == [
        f"Error: {copy} is not a git clone, so zendo update cannot fetch the course's new "
        "version: clone the course with `git clone URL` and copy your exercises/ notebooks "
        "into the clone, or get the new version as your instructor says."
    ]


def test_a_clone_without_an_upstream_branch_is_refused_in_one_line(upstream: Path) -> None:
    updated = zendo(upstream, "update")

    assert updated.returncode == 2
    assert updated.stderr.strip().splitlines() == [
        "Error: The branch 'main' follows no remote branch, so zendo update does not know "
        "where the course's updates come from: run `git branch --set-upstream-to=origin/main`, "
        "then zendo update again."
    ]


def test_a_machine_without_git_is_refused_in_one_line(learner: Path, tmp_path: Path) -> None:
    no_git = tmp_path / "bin-without-git"
    no_git.mkdir()
    updated = subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(learner), "update"],
        cwd=learner,
        env={**os.environ, "PATH": str(no_git)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert updated.returncode == 2
    assert updated.stderr.strip().splitlines() == [
        "Error: zendo update needs git, and there is no `git` command on this machine: "
        "install git, or get the course's new version the way your instructor gave you the "
        "course."
    ]
