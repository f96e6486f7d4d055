"""ipywidgets for the notebook: the check result with hint and solution buttons, and quizzes.

Widgets are optional: without ipywidgets, or outside a running kernel, these functions
return None and the notebook shows the escaped-HTML fallback instead. Every string from
learner code reaches a widget only as already-escaped HTML.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from zendo._course import Quiz

logger = logging.getLogger(__name__)

WIDGETS_INSTALL = "pip install 'zendo[lab]'"


def _widgets_module() -> Any:
    """ipywidgets when it can show anything here, else None."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or not hasattr(shell, "kernel"):
            return None
        import ipywidgets  # type: ignore[import-untyped]  # ships no type information
    except ImportError:
        logger.info("ipywidgets is missing; showing plain HTML", extra={"install": WIDGETS_INSTALL})
        return None
    return ipywidgets


def check_controls(exercise_id: str, passed: bool) -> Any:
    """The buttons under a verdict: 'Next hint' (until it passes) and 'Show solution'.

    The verdict itself is a plain HTML output above these controls, so that it survives a
    reload even where widget state is not saved. Hints, the confirmation before an early
    solution, and the solution each have their own area: one never wipes another.
    """
    widgets = _widgets_module()
    if widgets is None:
        return None
    from zendo.notebook import hint_view, solution

    fit = widgets.Layout(width="auto")
    hint_area = widgets.HTML("")
    confirm_area = widgets.HTML("")
    solution_area = widgets.HTML("")
    buttons = []
    if not passed:
        hint_button = widgets.Button(description="Next hint", icon="lightbulb-o", layout=fit)

        def on_hint(_: object) -> None:
            view = hint_view(exercise_id, more="Click Next hint again for the next one.")
            hint_area.value = view.html
            if view.last_level:
                hint_button.disabled = True
                hint_button.description = "No more hints"

        hint_button.on_click(on_hint)
        buttons.append(hint_button)
    solution_button = widgets.Button(
        description="Show solution" if passed else "Show solution…", icon="eye", layout=fit
    )
    asked = {"once": False}

    def on_solution(_: object) -> None:
        if passed or asked["once"]:
            solution_area.value = solution(exercise_id, reveal=not passed).html
            confirm_area.value = ""
            solution_button.disabled = True
            return
        asked["once"] = True
        solution_button.description = "Yes, show it (noted)"
        confirm_area.value = (
            "<i>Not solved yet: try the next hint first? Click the button again to see the "
            "solution anyway; that is noted in your progress.</i>"
        )

    solution_button.on_click(on_solution)
    buttons.append(solution_button)
    return widgets.VBox([widgets.HBox(buttons), hint_area, confirm_area, solution_area])


def quiz_widget(quiz: Quiz, root: Path) -> Any:
    """A quiz: radio buttons (choice) or one drop-down per prompt (match), and a check button."""
    widgets = _widgets_module()
    if widgets is None:
        return None
    from html import escape

    from zendo._quiz import mark_answer, match_answers

    question = widgets.HTML(f"<b>{escape(quiz.question)}</b>")
    feedback = widgets.HTML("")
    button = widgets.Button(description="Check answer", button_style="primary")
    inputs: list[Any]
    if quiz.kind == "choice":
        options = [(option.text, number) for number, option in enumerate(quiz.options, 1)]
        choice = widgets.RadioButtons(options=options, value=None, layout={"width": "max-content"})
        inputs = [choice]
        body = [choice]
    else:
        answers = match_answers(quiz)
        options = [("Choose…", 0)] + [(answer, n) for n, answer in enumerate(answers, 1)]
        inputs, body = [], []
        for pair in quiz.pairs:
            dropdown = widgets.Dropdown(options=options, value=0, layout={"width": "auto"})
            inputs.append(dropdown)
            body.append(widgets.VBox([widgets.HTML(f"<pre>{escape(pair.prompt)}</pre>"), dropdown]))

    def on_check(_: object) -> None:
        chosen = [int(widget.value or 0) for widget in inputs]
        feedback.value = mark_answer(quiz, chosen, root)[1]

    button.on_click(on_check)
    return widgets.VBox([question, *body, button, feedback])
