"""Build ahead, once per machine, what the first checks would otherwise wait for.

Bytecode: judges run with `PYTHONDONTWRITEBYTECODE` (grading writes nothing into a
course), and an editable install, which the course's set-up makes, has no bytecode of its
own. Each judge would then compile every module of zendo it imports, and its course's
graders, from source: about 50 ms of each batch judge's start and of each cold check.
`write_bytecode` writes it beside the sources, as pip does for a package it installs;
Python checks it against each source's time stamp and size, so an edited module is
compiled again as before, only slower.

mypy's caches: a check graded with mypy starts from a copy of a seed cache
(`judge.tools`), mypy's analysis of the standard library, pydantic and the big
libraries the code imports. The
first such check on a machine builds its seed first: 1 to 3 s more than every later one
(a fresh machine: `quality.pydantic_model` 1.8 s against 0.6 s, cold;
`transactions.async_transfer` 3.4 s against 0.7 s). `zendo prepare`, which the course's
set-up runs after installing, builds the seeds that the course's lessons graded with mypy
need, from their reference solutions' graded sources. A lesson's graders are taken to
run mypy when any of its grader files names one of the toolkit's mypy functions.

Usage:
    unwritten = write_bytecode(course)   # folders whose bytecode could not all be written
    built = prepare_course(course)       # {libraries: seed folder, or None}
"""

from __future__ import annotations

import compileall
import logging
import re
from pathlib import Path

import zendo
from zendo._course import Course, Lesson
from zendo._errors import InputError
from zendo._extract import extract_from_notebook
from zendo.judge.tools import prepare_seeds

logger = logging.getLogger(__name__)

# `run_mypy`, `start_mypy`, `run_mypy_graded`, `start_mypy_graded` (judge.tools, mypy_graded).
MYPY_RUNNERS = re.compile(r"\b(?:run|start)_mypy(?:_graded)?\b")


def write_bytecode(course: Course) -> list[Path]:
    """Write the bytecode of zendo's own modules and of the course's grader modules (with
    the helpers beside them; not the answers kept as data under `tests/graders/right`).

    The folders where some of it could not be written (a read-only install, a grader
    with a syntax error): their modules compile as they are imported, as before.
    """
    unwritten = []
    package = Path(zendo.__file__).parent
    if not compileall.compile_dir(package, quiet=2):
        unwritten.append(package)
    for lesson in course.lessons:
        folder = lesson.grader_package(course.root)
        modules = (
            [
                *sorted(folder.glob("*.py")),
                *lesson.hidden_grader_files(course.root),
            ]
            if folder.is_dir()
            else [lesson.grader_path(course.root)]
        )
        written = [
            compileall.compile_file(module, quiet=2) for module in modules if module.is_file()
        ]
        if not all(written):
            unwritten.append(folder)
    for folder in unwritten:
        logger.info("Some bytecode was not written", extra={"folder": folder.name})
    return unwritten


def prepare_course(course: Course) -> dict[tuple[str, ...], Path | None]:
    """Build the mypy seeds the course's mypy-graded lessons need; what was built.

    Nothing for a course with no lesson graded with mypy. Without reference solutions (a
    learner's copy of a course that ships none), the plain seed is built and those of big
    libraries are left to the first check that needs them.
    """
    graded = [
        lesson
        for lesson in course.lessons
        if lesson.data.exercises and _graded_with_mypy(course, lesson)
    ]
    if not graded:
        return {}
    sources: list[str] = []
    for lesson in graded:
        solution = lesson.notebook_path(course.root, "solutions")
        ids = [exercise.id for exercise in lesson.data.exercises]
        try:
            extracted = extract_from_notebook(solution, ids)
        except InputError as error:
            logger.info(
                "No reference solution to prepare from",
                extra={"lesson": lesson.stem, "why": type(error).__name__},
            )
            continue
        sources.extend(source.source for source in extracted.values())
    built = prepare_seeds(sources)
    for libraries, seed in built.items():
        logger.info(
            "Prepared a mypy seed",
            extra={"libraries": ",".join(libraries) or "-", "built": seed is not None},
        )
    return built


def _graded_with_mypy(course: Course, lesson: Lesson) -> bool:
    package = lesson.grader_package(course.root)
    files = sorted(package.glob("*.py")) if package.is_dir() else [lesson.grader_path(course.root)]
    for path in files:
        try:
            if MYPY_RUNNERS.search(path.read_text(encoding="utf-8")):
                return True
        except OSError:
            continue
    return False
