"""Marking quiz answers and wording the feedback, shared by the widget and plain text."""

from __future__ import annotations

import random
from html import escape
from pathlib import Path

from zendo._course import Quiz
from zendo._state import record_quiz
from zendo.render.html import render_note_html


def match_answers(quiz: Quiz) -> list[str]:
    """A match quiz's answers in a shuffled order that is the same on every run."""
    answers = sorted({pair.answer for pair in quiz.pairs})
    random.Random(quiz.id).shuffle(answers)  # noqa: S311 - a stable shuffle, not security
    return answers


def quiz_prompt(quiz: Quiz) -> tuple[str, str]:
    """The question as text and HTML, numbered so it can be answered without widgets."""
    lines = [quiz.question]
    if quiz.kind == "choice":
        lines += [f"  {number}. {option.text}" for number, option in enumerate(quiz.options, 1)]
        how = f'Answer with quiz("{quiz.id}").answer(NUMBER).'
    else:
        answers = match_answers(quiz)
        lines += [f"  {chr(65 + i)}. {pair.prompt}" for i, pair in enumerate(quiz.pairs)]
        lines.append("Answers:")
        lines += [f"  {number}. {answer}" for number, answer in enumerate(answers, 1)]
        how = f'Answer with quiz("{quiz.id}").answer(n_A, n_B, ...): one number per prompt.'
    text = "\n".join([*lines, how])
    return text, render_note_html(f"Quiz {quiz.id}", text, code=True)


def mark_answer(quiz: Quiz, choices: list[int], root: Path) -> tuple[str, str]:
    """Mark an answer, record it in progress, and explain every part of it."""
    if quiz.kind == "choice":
        if len(choices) != 1 or not 1 <= choices[0] <= len(quiz.options):
            return _feedback(False, [f"Give one option number from 1 to {len(quiz.options)}."])
        option = quiz.options[choices[0] - 1]
        correct = option.correct
        lines = [f"{'Right' if correct else 'Not quite'}: {option.explanation}"]
    else:
        answers = match_answers(quiz)
        if len(choices) != len(quiz.pairs) or not all(1 <= c <= len(answers) for c in choices):
            return _feedback(
                False, [f"Give {len(quiz.pairs)} answer numbers, each from 1 to {len(answers)}."]
            )
        lines, correct = [], True
        for pair, choice in zip(quiz.pairs, choices, strict=True):
            right = answers[choice - 1] == pair.answer
            correct = correct and right
            lines.append(f"{'✓' if right else '✗'} {pair.prompt} → {pair.explanation}")
    record_quiz(root, quiz.id, correct)
    return _feedback(correct, lines)


def _feedback(correct: bool, lines: list[str]) -> tuple[str, str]:
    title = "Correct!" if correct else "Not yet: read why, then try again."
    text = "\n".join([title, *lines])
    colour = "#1a7f37" if correct else "#cf222e"
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    html = (
        f'<div class="zendo-quiz-feedback" style="border-left:4px solid {colour};'
        f'padding:4px 10px"><b>{escape(title)}</b><ul>{items}</ul></div>'
    )
    return text, html
