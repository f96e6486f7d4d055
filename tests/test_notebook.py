"""The notebook API in a real kernel: check, hints, solutions, quizzes and progress."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from zendo._course import Course
from zendo._extract import extract_from_cells
from zendo._grade import grade_notebook
from zendo._kernel import sources_from_history
from zendo._limits import Limits
from zendo._notebook import read_cells
from zendo._quiz import mark_answer, match_answers, quiz_prompt
from zendo._state import load_state

SETUP = "# setup\nimport math\nfrom zendo.notebook import check, hint, solution, quiz, progress"
WRONG_ADD = (
    "# exercise: demo.add\ndef add(a, b):\n    print('<script>alert(1)</script>')\n    return a - b"
)
RIGHT_ADD = "# exercise: demo.add\ndef add(a, b):\n    return a + b"
LOOP_ADD = "# exercise: demo.add\ndef add(a, b):\n    while True:\n        pass"


def run_in_kernel(folder: Path, cells: list[str]) -> list[dict[str, Any]]:
    """Execute code cells in a real kernel started in `folder`; return each cell's outputs."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    client = NotebookClient(
        notebook, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute()
    return [cell.outputs for cell in notebook.cells]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def shown(outputs: list[dict[str, Any]], kind: str = "text/plain") -> str:
    """What a cell shows as text or HTML; widget outputs (the buttons) are not text."""
    return "\n".join(
        o["data"][kind]
        for o in outputs
        if "data" in o and kind in o["data"] and WIDGET_VIEW not in o["data"]
    )


def test_import_of_the_notebook_api_is_light() -> None:
    probe = (
        "import sys, zendo.notebook; heavy = {'pytest', '_pytest', 'hypothesis', 'pydantic', "
        "'ipywidgets', 'nbformat', 'click'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_history_gives_the_same_source_as_the_saved_notebook(fixture_course: Course) -> None:
    cells = read_cells(fixture_course.root / "solutions" / "01_demo.ipynb")
    saved = extract_from_cells(cells, ["demo.add"])["demo.add"]
    history = [
        "",
        *(cell.source for cell in cells if cell.cell_type == "code"),
        "check('demo.add')",
    ]
    from_kernel = sources_from_history(history, "demo.add")
    assert from_kernel is not None
    assert from_kernel.source == saved.source
    assert from_kernel.cell_start_line == saved.cell_start_line


def test_history_uses_the_latest_run_of_the_exercise_cell() -> None:
    history = ["", "# setup\nx = 1", RIGHT_ADD, WRONG_ADD, "check('demo.add')"]
    source = sources_from_history(history, "demo.add")
    assert source is not None
    assert source.source.endswith(WRONG_ADD + "\n")
    assert sources_from_history(history, "demo.greet") is None


@pytest.mark.slow
def test_check_in_a_kernel_matches_the_command_line_and_survives_a_loop(
    fixture_course: Course, tmp_path: Path
) -> None:
    folder = fixture_course.root / "exercises"
    outputs = run_in_kernel(
        folder,
        [
            SETUP,
            "check('demo.add')",  # before the exercise cell ran
            WRONG_ADD,
            "check('demo.add')",
            LOOP_ADD,
            "check('demo.add')",
            "print('kernel still alive', 1 + 1)",
            RIGHT_ADD,
            "check('demo.add')",
            "solution('demo.add')",
            "progress()",
        ],
    )
    assert "Run the exercise cell of demo.add first" in shown(outputs[1])
    failed = shown(outputs[3])
    assert failed.startswith("  FAIL    demo.add")
    # The verdict is a plain output of its own, so a reopened notebook still shows it;
    # only the hint and solution buttons are a widget, in the output after it.
    verdict, buttons = outputs[3]
    assert WIDGET_VIEW not in verdict["data"]
    assert "FAIL" in verdict["data"]["text/html"]
    assert WIDGET_VIEW in buttons["data"]
    html = shown(outputs[3], "text/html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "TIMEOUT" in shown(outputs[5])
    assert "kernel still alive 2" in "".join(o.get("text", "") for o in outputs[6])
    assert shown(outputs[8]).startswith("  PASS    demo.add")
    assert "return a + b" in shown(outputs[9])
    assert "demo.add    pass             2/2" in shown(outputs[10])

    # The same wrong code, saved in a notebook, gets the same verdict from the CLI's pipeline.
    saved = tmp_path / "saved.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(WRONG_ADD)]
    saved.write_text(nbformat.writes(notebook))
    [cli_result] = grade_notebook(
        fixture_course, saved, [fixture_course.exercise("demo.add")], Limits()
    ).exercises
    cli_lines = "\n".join(
        line for line in failed.splitlines() if "More help" not in line
    )  # fmt: skip
    from zendo.render.terminal import render_exercise_lines

    assert "\n".join(render_exercise_lines(cli_result)[:-1]) == cli_lines


def test_solution_waits_for_a_pass_or_an_explicit_reveal(fixture_course: Course) -> None:
    from zendo import notebook

    notebook._reset_session_for_tests(fixture_course.root)
    try:
        assert notebook.solution("demo.greet").text.startswith("Solve it first?")
        revealed = notebook.solution("demo.greet", reveal=True)
        assert 'return f"Hello, {name}!"' in revealed.text
        assert "STARTER" not in revealed.text
        assert "return 'Hello'" not in revealed.text  # the repair starter is not the answer
        assert load_state(fixture_course.root).revealed == ["demo.greet"]
    finally:
        notebook._reset_session_for_tests()


def test_hint_levels_climb_and_stop_at_the_last(fixture_course: Course) -> None:
    from zendo import notebook

    notebook._reset_session_for_tests(fixture_course.root)
    try:
        texts = [notebook.hint("demo.add").text for _ in range(3)]
    finally:
        notebook._reset_session_for_tests()
    assert texts[0].startswith("Hint 1 of 2 for demo.add\nUse +.")
    assert texts[1].startswith("Hint 2 of 2")
    assert texts[2].startswith("Hint 2 of 2")


def test_choice_quiz_explains_the_chosen_option_and_records_it(fixture_course: Course) -> None:
    plus = fixture_course.quiz("demo.plus")
    text, _ = mark_answer(plus, [1], fixture_course.root)
    assert (
        text
        == "Not yet: read why, then try again.\nNot quite: That would be joining strings, not adding numbers."
    )
    text, _ = mark_answer(plus, [2], fixture_course.root)
    assert text.startswith("Correct!")
    entry = load_state(fixture_course.root).quizzes["demo.plus"]
    assert (entry.correct, entry.attempts) == (True, 2)


def test_match_quiz_marks_each_pair_and_escapes_html(fixture_course: Course) -> None:
    match = fixture_course.quiz("demo.match")
    answers = match_answers(match)
    assert answers == match_answers(match)  # the same order every time
    right = [answers.index("2") + 1, answers.index("'<b><b>'") + 1]
    text, html = mark_answer(match, right, fixture_course.root)
    assert text.startswith("Correct!")
    assert "&#x27;&lt;b&gt;&#x27;" in html
    wrong_text, _ = mark_answer(match, list(reversed(right)), fixture_course.root)
    assert "✗ 1 + 1" in wrong_text
    prompt_text, prompt_html = quiz_prompt(match)
    assert "<b>" not in prompt_html.replace("<b>Quiz demo.match</b>", "")
    assert 'quiz("demo.match").answer(' in prompt_text


def test_bad_quiz_answers_get_a_sentence_not_an_exception(fixture_course: Course) -> None:
    text, _ = mark_answer(fixture_course.quiz("demo.plus"), [7], fixture_course.root)
    assert "Give one option number from 1 to 2." in text
    assert "demo.plus" not in json.loads(
        (fixture_course.root / ".zendo" / "state.json").read_text()
        if (fixture_course.root / ".zendo" / "state.json").exists()
        else "{}"
    ).get("quizzes", {})
