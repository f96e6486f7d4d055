"""HTML for the notebook: results, hints, solutions and progress, every learner string escaped.

Used inside widgets and as the plain-HTML fallback where widgets are missing (nbval, a
static viewer, an old frontend). Nothing a learner's code produced is ever inserted
without `html.escape`.
"""

from __future__ import annotations

from html import escape

from zendo._results import ExerciseResult, Status
from zendo.render._causes import causes_of, passed_titles

_COLOURS = {
    Status.PASS: "#1a7f37",
    Status.FAIL: "#cf222e",
    Status.ERROR: "#8250df",
    Status.TIMEOUT: "#9a6700",
}
_BOX = "border-left:4px solid {colour};padding:4px 10px;margin:4px 0;font-family:sans-serif"


def render_exercise_html(exercise: ExerciseResult) -> str:
    """One exercise's verdict: a coloured line, then each check with its message and hint."""
    colour = _COLOURS[exercise.status]
    box = _BOX.format(colour=colour)
    head = (
        f'<div class="zendo-result zendo-{exercise.status.value}" style="{box}">'
        f'<b style="color:{colour}">{exercise.status.value.upper()}</b> '
        f"<code>{escape(exercise.id)}</code>: {escape(exercise.title)} "
        f"({exercise.points:g}/{exercise.max_points} points)"
    )
    parts = [head]
    causes = causes_of(exercise)
    if exercise.message and all(cause.first.message != exercise.message for cause in causes):
        parts.append(f"<p>{_paragraphs(exercise.message)}</p>")
    if exercise.hidden_summary:  # counts only: a hidden check's content stays hidden
        hidden = exercise.hidden_summary
        parts.append(f"<p>{escape(hidden[:1].upper() + hidden[1:])}</p>")
    for note in exercise.notes:  # how the checks ran, a PASS included (the terminal's line)
        parts.append(f'<p class="zendo-run-note"><i>Note: {escape(note)}</i></p>')
    if exercise.status is Status.PASS:
        parts.append(f"<p>All {len(exercise.tests)} checks passed. Well done!</p>")
    else:
        # One item per distinct cause, as the terminal says it: the starter's
        # NotImplementedError is one line, however many checks it stops.
        parts.append("<ul>")
        for cause in causes:
            test = cause.first
            item = f"<li>✗ <b>{escape(cause.heading)}</b>"
            if test.message:
                item += f"<br>{_paragraphs(test.message)}"
            if test.hint:
                item += f"<br><i>Hint: {escape(test.hint)}</i>"
            if test.output:
                item += f"<br>Your code printed:<pre>{escape(test.output[:2000])}</pre>"
            if len(cause.tests) > 1:
                titles = "; ".join(escape(title) for title in cause.titles)
                item += f"<br><small>Checks: {titles}.</small>"
            parts.append(item + "</li>")
        passed = passed_titles(exercise)
        if passed:
            titles = "; ".join(escape(title) for title in passed)
            parts.append(f"<li>✓ {len(passed)} passed: {titles}.</li>")
        parts.append("</ul>")
    return "".join(parts) + "</div>"


def render_note_html(title: str, body: str, *, code: bool = False) -> str:
    """A titled box for a hint, a solution or a notice."""
    content = f"<pre>{escape(body)}</pre>" if code else f"<p>{_paragraphs(body)}</p>"
    box = _BOX.format(colour="#0969da")
    return f'<div class="zendo-note" style="{box}"><b>{escape(title)}</b>{content}</div>'


def render_table_html(headers: list[str], rows: list[list[str]]) -> str:
    """A plain table; every cell is escaped."""
    head = "".join(f"<th style='text-align:left'>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table class='zendo-table'><tr>{head}</tr>{body}</table>"


def _paragraphs(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())
