"""The notebook API: check, hint, solution, quiz and progress, in the spirit of learntools.

Usage, in an exercise notebook:

    from zendo.notebook import check, hint, solution
    check("money.split")        # grades the code you last ran in that exercise's cell
    hint("money.split")         # the next hint level
    solution("money.split")     # after a pass, or with reveal=True (recorded)

Importing this module is light (no pytest, no pydantic, no widgets): everything heavy is
imported on first use. Results show as widgets in JupyterLab, and as escaped HTML and
plain text wherever widgets are missing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zendo._course import Course, Exercise, Quiz
    from zendo._forkserver import ForkServer
    from zendo._results import ExerciseResult

__all__ = ["NotebookView", "check", "hint", "hint_view", "progress", "quiz", "solution"]

logger = logging.getLogger(__name__)


@dataclass
class NotebookView:
    """Something shown in a cell: a widget where possible, else escaped HTML and text."""

    text: str
    html: str
    widget: Any = None
    passed: bool | None = None

    def _repr_mimebundle_(
        self, include: object = None, exclude: object = None
    ) -> dict[str, object]:
        bundle: dict[str, object] = {"text/plain": self.text, "text/html": self.html}
        if self.widget is not None:
            widget_bundle = self.widget._repr_mimebundle_()
            if isinstance(widget_bundle, tuple):  # (data, metadata) in some versions
                widget_bundle = widget_bundle[0]
            bundle.update({k: v for k, v in widget_bundle.items() if k != "text/plain"})
        return bundle

    def __repr__(self) -> str:
        return self.text


class _Session:
    """Per-kernel state: the course, and the warm grading server started on first check."""

    def __init__(self) -> None:
        self._course: Course | None = None
        self._server: ForkServer | None = None

    @property
    def course(self) -> Course:
        if self._course is None:
            from zendo._course import find_course_root, load_course

            self._course = load_course(find_course_root())
        return self._course

    @property
    def server(self) -> ForkServer:
        if self._server is None:
            from zendo._forkserver import ForkServer

            self._server = ForkServer()
        return self._server


_session = _Session()


def check(exercise_id: str) -> NotebookView:
    """Grade the code you last ran in `exercise_id`'s cell, isolated, and show the verdict."""
    from zendo._errors import ZendoError

    try:
        return _check(exercise_id)
    except ZendoError as error:
        return _notice("Zendo could not check this", str(error))


def _check(exercise_id: str) -> NotebookView:
    from zendo._errors import ZendoError
    from zendo._freshness import edited_since_run
    from zendo._grade import grade_sources
    from zendo._kernel import kernel_history, session_notebook, sources_from_history
    from zendo._limits import Limits
    from zendo._notebook import SETUP_MARKER, Cell, read_cells
    from zendo._state import record_verdict

    course = _session.course
    exercise = course.exercise(exercise_id)
    history = kernel_history()
    ran = [Cell(index=0, cell_type="code", source=entry) for entry in history]
    notebook = session_notebook()
    try:
        saved = read_cells(notebook) if notebook is not None else []
    except ZendoError:  # a notebook caught mid-save tells us nothing; grade what ran
        saved = []
    if any(cell.is_setup for cell in saved) and not any(cell.is_setup for cell in ran):
        return _notice(
            f"Run the {SETUP_MARKER} cell first",
            f"This kernel has not run the '{SETUP_MARKER}' cell at the top of the notebook "
            "(a restarted kernel forgets everything that ran). Run it, then the exercise "
            f"cell of {exercise_id}, then this check.",
        )
    source = sources_from_history(history, exercise_id)
    if source is None:
        return _notice(
            f"Run the exercise cell of {exercise_id} first",
            f"No cell starting with '# exercise: {exercise_id}' has run in this kernel yet "
            "(a restarted kernel forgets what ran). Run that cell (Shift+Enter), then run "
            "this check again.",
        )
    last_run = [cell.source for cell in ran if cell.exercise_id == exercise_id][-1]
    stale = edited_since_run(exercise_id, last_run, notebook)
    started = time.monotonic()
    result = grade_sources(
        course, {exercise_id: source}, [exercise], Limits(), "notebook", launcher=_session.server
    )
    [exercise_result] = result.exercises
    record_verdict(
        course.root,
        exercise_id,
        exercise_result.status.value,
        exercise_result.points,
        exercise_result.max_points,
    )
    logger.info(
        "Checked an exercise in the notebook",
        extra={
            "exercise": exercise_id,
            "status": exercise_result.status.value,
            "edited_since_run": stale,
            "duration_seconds": round(time.monotonic() - started, 3),
        },
    )
    view = _result_view(course, exercise, exercise_result)
    if stale:
        title, body = (
            "You changed this exercise cell since you last ran it",
            "This verdict is for the code you ran before. Run the exercise cell "
            "(Shift+Enter), then this check again, to grade what you see.",
        )
        text, html = _notice_parts(title, body)
        view.text, view.html = f"{text}\n{view.text}", html + view.html
    return view


def _result_view(course: Course, exercise: Exercise, result: ExerciseResult) -> NotebookView:
    from zendo._results import Status
    from zendo._widgets import check_controls
    from zendo.render.html import render_exercise_html
    from zendo.render.terminal import render_exercise_lines

    more = f"More help: click Next hint, or run hint({exercise.id!r})."
    text = "\n".join(render_exercise_lines(result, more_help=more))
    html = render_exercise_html(result)
    passed = result.status is Status.PASS
    return CheckView(text, html, check_controls(exercise.id, passed), passed=passed)


@dataclass
class CheckView(NotebookView):
    """A verdict: a plain HTML output, then the hint and solution buttons as a widget.

    Two outputs, not one widget, so that a saved and reopened notebook still shows the
    verdict wherever it is opened (JupyterLab, GitHub, nbviewer), even without the widget
    state; only the buttons need a live kernel.
    """

    def _ipython_display_(self) -> None:
        from IPython import display as ipython_display

        show: Callable[..., object] = ipython_display.display  # IPython ships no types
        show({"text/plain": self.text, "text/html": self.html}, raw=True)
        if self.widget is not None:
            show(self.widget)


def hint(exercise_id: str) -> NotebookView:
    """Show the next hint level for an exercise (each call goes one level deeper)."""
    return hint_view(exercise_id, more=f"Run hint({exercise_id!r}) again for the next one.")


@dataclass
class HintView(NotebookView):
    """A hint, and whether it was the last level."""

    last_level: bool = False


def hint_view(exercise_id: str, *, more: str) -> HintView:
    """The next hint level; `more` says how to ask for the one after (a call or a button)."""
    from zendo._errors import ZendoError
    from zendo._state import next_hint_level, record_hint_level

    try:
        course = _session.course
        exercise = course.exercise(exercise_id)
    except ZendoError as error:
        return HintView(*_notice_parts("No hint", str(error)), last_level=True)
    count = len(exercise.hint_levels)
    level = min(next_hint_level(course.root, exercise_id), count)
    record_hint_level(course.root, exercise_id, level)
    title = f"Hint {level} of {count} for {exercise_id}"
    body = exercise.hint_levels[level - 1]
    if level < count:
        body += f"\n({more})"
    return HintView(*_notice_parts(title, body), last_level=level >= count)


def solution(exercise_id: str, *, reveal: bool = False) -> NotebookView:
    """Show the reference solution: after the exercise has passed, or with `reveal=True`."""
    from zendo._errors import ZendoError
    from zendo._state import load_state, record_reveal

    try:
        course = _session.course
        course.exercise(exercise_id)
        code = _solution_source(course, exercise_id)
    except ZendoError as error:
        return _notice("No solution", str(error))
    progress_entry = load_state(course.root).exercises.get(exercise_id)
    if not (progress_entry and progress_entry.ever_passed) and not reveal:
        return _notice(
            "Solve it first?",
            f"The solution shows once {exercise_id} passes its check. To see it now anyway, "
            f"run solution({exercise_id!r}, reveal=True); that is noted in your progress.",
        )
    if reveal:
        record_reveal(course.root, exercise_id)
    return _notice(f"Reference solution of {exercise_id}", code, code_block=True)


def _solution_source(course: Course, exercise_id: str) -> str:
    from zendo._build import reference_solution
    from zendo._errors import InputError
    from zendo._notebook import read_cells

    lesson = course.lesson_of(course.exercise(exercise_id))
    path = lesson.notebook_path(course.root, "solutions")
    if not path.exists():
        raise InputError(f"This copy of the course has no solutions ({path} is missing).")
    for cell in read_cells(path):
        if cell.exercise_id == exercise_id:
            return reference_solution(cell.source)
    raise InputError(f"{path} has no cell for {exercise_id}.")


def quiz(quiz_id: str) -> NotebookView:
    """Show a quiz question; answer it with the widget, or with `.answer(...)` in plain text."""
    from zendo._errors import ZendoError
    from zendo._quiz import quiz_prompt
    from zendo._widgets import quiz_widget

    try:
        question = _session.course.quiz(quiz_id)
    except ZendoError as error:
        return _notice("No quiz", str(error))
    text, html = quiz_prompt(question)
    return QuizView(text, html, quiz_widget(question, _session.course.root), quiz=question)


@dataclass
class QuizView(NotebookView):
    """A quiz in a cell; `answer()` takes the answer where widgets are missing."""

    quiz: Quiz | None = None

    def answer(self, *choices: int) -> NotebookView:
        """Answer by option number (choice), or one answer number per prompt (match)."""
        from zendo._quiz import mark_answer

        if self.quiz is None:
            return _notice("No quiz", "This view has no quiz to answer.")
        return NotebookView(*mark_answer(self.quiz, list(choices), _session.course.root))


def progress() -> NotebookView:
    """Your progress per lesson: exercises passed, points, quizzes answered."""
    from zendo._progress import progress_report

    return NotebookView(*progress_report(_session.course))


def _notice(title: str, body: str, *, code_block: bool = False) -> NotebookView:
    return NotebookView(*_notice_parts(title, body, code_block=code_block))


def _notice_parts(title: str, body: str, *, code_block: bool = False) -> tuple[str, str]:
    from zendo.render.html import render_note_html

    return f"{title}\n{body}", render_note_html(title, body, code=code_block)


def _reset_session_for_tests(root: Path | None = None) -> None:
    """Forget the loaded course and stop the warm server (used by tests and benchmarks)."""
    if _session._server is not None:
        _session._server.close()
    _session._server = None
    _session._course = None
    if root is not None:
        from zendo._course import load_course

        _session._course = load_course(root)


def _start_run_clock() -> None:
    """In a kernel, note when exercise cells run, so an edited-but-not-rerun cell is noticed."""
    import sys

    if "IPython" in sys.modules:
        from zendo._freshness import start_run_clock

        start_run_clock()


_start_run_clock()
