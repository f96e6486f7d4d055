"""The learner template and its CI workflow, run step by step as CI would run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import REPO, replace_cells
from zendo._export import WORKFLOW
from zendo.cli import cli

COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".zendo", "test-output", "__pycache__", "*.egg-info"
)


@pytest.fixture
def template(tmp_path: Path, runner: CliRunner) -> Path:
    target = tmp_path / "workspace" / "submission"
    result = runner.invoke(
        cli,
        ["--course", str(REPO), "export-template", str(target),
         "--repository", "zendo-org/zendo", "--version", "v2026.11"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return target


def test_template_has_no_solutions_and_a_pinned_workflow(template: Path) -> None:
    assert not (template / "solutions").exists()
    assert not (template / "tests" / "graders" / "wrong").exists()
    assert (template / "exercises" / "05_money.ipynb").is_file()
    assert (template / "tests" / "graders" / "05_money" / "test_money_split.py").is_file()
    workflow = yaml.safe_load((template / WORKFLOW).read_text())
    checkout = workflow["jobs"]["grade"]["steps"][1]["with"]
    assert (checkout["repository"], checkout["ref"]) == ("zendo-org/zendo", "v2026.11")


def test_export_refuses_a_folder_with_files(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    result = runner.invoke(
        cli,
        ["--course", str(REPO), "export-template", str(tmp_path / "busy"),
         "--repository", "a/b", "--version", "v1"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "is not empty" in result.output


def test_learner_checks_work_in_the_template(template: Path) -> None:
    zendo = [sys.executable, "-m", "zendo"]
    listed = subprocess.run([*zendo, "list"], cwd=template, capture_output=True, text=True)
    assert listed.returncode == 0
    assert "money.split" in listed.stdout
    checked = subprocess.run(
        [*zendo, "check", "money.split"], cwd=template, capture_output=True, text=True
    )
    assert checked.returncode == 1
    assert "money.split is not done yet" in checked.stdout


@pytest.mark.slow
def test_the_workflow_steps_grade_a_pushed_repository(template: Path) -> None:
    workspace = template.parent
    # The learner solved the money lesson and pushed; CI checks out the trusted course.
    replace_cells(
        REPO / "solutions" / "05_money.ipynb",
        {},
        template / "exercises" / "05_money.ipynb",
    )
    shutil.copytree(REPO, workspace / "course", ignore=COPIED)
    steps = yaml.safe_load((template / WORKFLOW).read_text())["jobs"]["grade"]["steps"]
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[1] == "python -m pip install ./course"  # the engine is installed already
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    outcomes = []
    for command in (commands[0], commands[2]):
        # S602: the commands are the workflow's own, which is what this test exists to run.
        run = subprocess.run(  # noqa: S602
            command, shell=True, cwd=workspace, env=environment, capture_output=True, text=True
        )
        outcomes.append(run.returncode)
    assert outcomes == [0, 1]  # other lessons are still unsolved, so grading exits 1
    assert not (workspace / "course" / "solutions").exists()
    gradebook = yaml.safe_load((workspace / "zendo-gradebook.json").read_text())
    [submission] = [s for s in gradebook["submissions"] if s["source"].endswith("05_money.ipynb")]
    assert submission["learner"] == "submission"
    assert submission["status"] == "pass"
    assert "<testsuites" in (workspace / "zendo-junit.xml").read_text()
