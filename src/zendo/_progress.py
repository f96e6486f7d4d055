"""The progress overview: per lesson, exercises passed, points earned, quizzes answered."""

from __future__ import annotations

from html import escape

from zendo._course import Course
from zendo._state import load_state
from zendo.render.html import render_table_html

_HEADERS = ["lesson", "exercise", "status", "points", "hints seen"]


def progress_report(course: Course) -> tuple[str, str]:
    """Progress as text and as an HTML table, read from the learner's state file."""
    state = load_state(course.root)
    rows: list[list[str]] = []
    summary: list[str] = []
    for lesson in course.lessons:
        exercises = lesson.data.exercises
        quizzes = lesson.data.quizzes
        if not exercises and not quizzes:
            continue
        passed = 0
        for exercise in exercises:
            entry = state.exercises.get(exercise.id)
            status = entry.status if entry else "not checked"
            passed += bool(entry and entry.status == "pass")
            points = f"{entry.points:g}/{exercise.points}" if entry else f"0/{exercise.points}"
            hints = str(state.hint_levels.get(exercise.id, 0))
            if exercise.id in state.revealed:
                status += " (solution revealed)"
            rows.append([lesson.stem, exercise.id, status, points, hints])
        answered = sum(
            1 for quiz in quizzes if quiz.id in state.quizzes and state.quizzes[quiz.id].correct
        )
        parts = [f"{passed}/{len(exercises)} exercises passed"] if exercises else []
        if quizzes:
            parts.append(f"{answered}/{len(quizzes)} quiz questions right")
        summary.append(f"{lesson.stem}: {', '.join(parts)}")
    width = max((len(row[1]) for row in rows), default=10)
    lines = ["Your progress", *summary, ""]
    lines += [f"  {row[1]:<{width}}  {row[2]:<12} {row[3]:>7}  hints {row[4]}" for row in rows]
    html = (
        "<b>Your progress</b><br>"
        + "<br>".join(escape(line) for line in summary)
        + render_table_html(_HEADERS, rows)
    )
    return "\n".join(lines), html
