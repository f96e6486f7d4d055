"""Exporting the learner's template repository: the course without its solutions.

A learner (or GitHub Classroom) starts from this copy: lessons, exercise notebooks, the
graders for self-checks, and a CI workflow that grades pushes with a trusted, pinned copy
of the course. Solutions, known wrong answers, hidden grader tests and local state stay
behind.
"""

from __future__ import annotations

import logging
import shutil
from importlib import resources
from pathlib import Path

from zendo._course import HIDDEN_FOLDER, Course
from zendo._errors import InputError

logger = logging.getLogger(__name__)

_LEFT_OUT = (
    "solutions", "wrong", ".git", ".venv", ".zendo", "test-output", "__pycache__",
    ".ipynb_checkpoints", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.egg-info",
)  # fmt: skip
WORKFLOW = Path(".github") / "workflows" / "zendo-grade.yml"


def export_template(course: Course, target: Path, repository: str, version: str) -> Path:
    """Copy the course to `target` without solutions; add the grading workflow.

    `repository` (`owner/name`) and `version` (a tag or commit) name the trusted copy of
    the course that the workflow grades with.
    """
    if target.exists() and any(target.iterdir()):
        raise InputError(f"{target} exists and is not empty; give a new folder to export to.")
    if "/" not in repository or not version.strip():
        raise InputError(
            f"Give the course's repository as owner/name and a version to pin; got "
            f"{repository!r} and {version!r}."
        )
    graders = (course.root / "tests" / "graders").resolve()
    left_out = shutil.ignore_patterns(*_LEFT_OUT)

    def ignore(folder: str, names: list[str]) -> set[str]:
        ignored = set(left_out(folder, names))
        # A lesson's hidden/ grader tests run only in the instructor's batch.
        if Path(folder).resolve().parent == graders and HIDDEN_FOLDER in names:
            ignored.add(HIDDEN_FOLDER)
        return ignored

    shutil.copytree(course.root, target, ignore=ignore, dirs_exist_ok=True)
    template = resources.files("zendo").joinpath("templates", "zendo-grade.yml").read_text("utf-8")
    workflow = template.replace("COURSE_REPOSITORY", repository).replace("COURSE_VERSION", version)
    (target / WORKFLOW).parent.mkdir(parents=True, exist_ok=True)
    (target / WORKFLOW).write_text(workflow, encoding="utf-8")
    logger.info("Exported the learner template", extra={"version": version})
    return target / WORKFLOW
