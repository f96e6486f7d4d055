"""The `zendo` command as a user meets it: exit codes first, then what it prints."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from zendo.cli import cli


def invoke(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["--course", str(root), *args])
    return result.exit_code, result.output


def test_list_shows_lessons_exercises_points_and_minutes(
    runner: CliRunner, course_root: Path
) -> None:
    code, output = invoke(runner, course_root, "list")
    assert code == 0
    assert "01_demo  Demo lesson  (5 min)" in output
    assert "demo.add" in output
    assert "[2 pt, ~1 min]" in output
    assert "read notebooks/01_demo.ipynb, work in exercises/01_demo.ipynb" in output


def test_check_of_a_solved_notebook_exits_zero(runner: CliRunner, course_root: Path) -> None:
    notebook = course_root / "solutions" / "01_demo.ipynb"
    code, output = invoke(runner, course_root, "check", "demo", "--notebook", str(notebook))
    assert code == 0
    assert "2 of 2 exercises passed, 3 of 3 points. Well done!" in output


def test_check_defaults_to_the_exercise_notebook_and_exits_one(
    runner: CliRunner, course_root: Path
) -> None:
    code, output = invoke(runner, course_root, "check", "demo.greet")
    assert code == 1
    assert "FAIL    demo.greet" in output
    assert "Hint: The greeting must be exactly 'Hello, NAME!'." in output
    assert "Traceback" not in output


def test_check_json_carries_the_schema_version(runner: CliRunner, course_root: Path) -> None:
    code, output = invoke(runner, course_root, "check", "demo", "--format", "json")
    assert code == 1
    report = json.loads(output)
    assert report["schema_version"] == 1
    assert [e["id"] for e in report["submissions"][0]["exercises"]] == ["demo.add", "demo.greet"]


def test_grade_junit_is_valid_xml_with_points(runner: CliRunner, course_root: Path) -> None:
    notebook = course_root / "solutions" / "01_demo.ipynb"
    code, output = invoke(runner, course_root, "grade", str(notebook), "--format", "junit")
    assert code == 0
    suites = ET.fromstring(output.split("\n", 1)[1])  # noqa: S314 - our own output
    points = [p.get("value") for p in suites.iter("property") if p.get("name") == "points"]
    assert points == ["2", "1"]


def test_grade_writes_the_report_file_atomically(
    runner: CliRunner, course_root: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "report.json"
    notebook = course_root / "exercises" / "01_demo.ipynb"
    code, _ = invoke(
        runner, course_root, "grade", str(notebook), "--format", "json", "--output", str(target)
    )
    assert code == 1
    assert json.loads(target.read_text())["submissions"][0]["points"] == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        ("{not json", "is not valid notebook JSON (line 1, column 2"),
        (json.dumps({"nbformat": 3, "worksheets": []}), "notebook format 3; Zendo reads format 4"),
        (json.dumps({"nbformat": 4, "cells": [], "metadata": {}}), "has no exercise cells"),
        ("\x00\xff\xfe binary", "is not valid notebook JSON"),
    ],
    ids=["missing", "invalid-json", "nbformat-3", "no-exercise-cells", "binary"],
)
def test_bad_notebooks_get_one_clear_line_and_exit_two(
    runner: CliRunner, course_root: Path, tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "submission.ipynb"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, output = invoke(runner, course_root, "check", "demo", "--notebook", str(path))
    assert code == 2
    assert expected in output
    assert output.count("\n") == 1
    assert "Traceback" not in output


def test_unknown_exercise_lists_the_known_ones(runner: CliRunner, course_root: Path) -> None:
    code, output = invoke(runner, course_root, "check", "demo.nope")
    assert code == 2
    assert "There is no exercise 'demo.nope'. Known exercises: demo.add, demo.greet." in output


def test_broken_course_data_is_an_internal_fault_naming_file_and_field(
    runner: CliRunner, course_root: Path
) -> None:
    lesson = course_root / "course" / "01_demo.toml"
    lesson.write_text(lesson.read_text().replace("points = 2", 'points = "two"'))
    code, output = invoke(runner, course_root, "list")
    assert code == 3
    assert "01_demo.toml: field 'exercises.0.points'" in output


def test_hint_goes_up_one_level_per_call(runner: CliRunner, course_root: Path) -> None:
    first = invoke(runner, course_root, "hint", "demo.add")
    second = invoke(runner, course_root, "hint", "demo.add")
    third = invoke(runner, course_root, "hint", "demo.add")
    assert first == (0, "Hint 1 of 2 for demo.add (Add two numbers):\n  Use +.\n"
                        "Run `zendo hint demo.add` again for the next hint.\n")  # fmt: skip
    assert second[1].startswith("Hint 2 of 2")
    assert "last hint" in second[1]
    assert third[1].startswith("Hint 2 of 2")


def test_hint_survives_a_corrupt_state_file(runner: CliRunner, course_root: Path) -> None:
    state = course_root / ".zendo" / "state.json"
    state.parent.mkdir()
    state.write_text("{garbage")
    code, output = invoke(runner, course_root, "hint", "demo.add")
    assert code == 0
    assert output.startswith("Hint 1 of 2")
    assert (course_root / ".zendo" / "state.corrupt.json").read_text() == "{garbage"


def test_reset_restores_the_starter_and_backs_up_the_learners_version(
    runner: CliRunner, course_root: Path
) -> None:
    notebook = course_root / "exercises" / "01_demo.ipynb"
    data = json.loads(notebook.read_text())
    for cell in data["cells"]:
        if "".join(cell["source"]).startswith("# exercise: demo.add"):
            cell["source"] = "# exercise: demo.add\ndef add(a, b):\n    return 'my attempt'"
    notebook.write_text(json.dumps(data))
    mine = notebook.read_bytes()
    code, output = invoke(runner, course_root, "reset", "demo.add")
    assert code == 0
    backup = Path(output.splitlines()[1].removeprefix("Your previous version is saved in ")[:-1])
    assert backup.read_bytes() == mine
    assert "my attempt" not in notebook.read_text()
    assert "raise NotImplementedError  # TODO: add the numbers" in notebook.read_text()


def test_reset_works_without_solutions_from_the_recorded_starter(
    runner: CliRunner, course_root: Path
) -> None:
    (course_root / "solutions" / "01_demo.ipynb").unlink()
    code, _ = invoke(runner, course_root, "reset", "demo.greet")
    assert code == 0
    assert "return 'Hello'" in (course_root / "exercises" / "01_demo.ipynb").read_text()


def test_progress_shows_what_check_recorded(runner: CliRunner, course_root: Path) -> None:
    notebook = course_root / "solutions" / "01_demo.ipynb"
    invoke(runner, course_root, "check", "demo.greet", "--notebook", str(notebook))
    code, output = invoke(runner, course_root, "progress")
    assert code == 0
    assert "01_demo: 1/2 exercises passed, 0/2 quiz questions right" in output
    assert "demo.greet  pass" in output


@pytest.mark.slow
def test_watch_checks_again_when_the_notebook_is_saved(course_root: Path) -> None:
    import subprocess
    import sys
    import time

    notebook = course_root / "exercises" / "01_demo.ipynb"
    command = [sys.executable, "-m", "zendo", "--course", str(course_root), "watch", "demo.greet"]
    command += ["--interval", "0.2"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        try:
            lines = _read_until(process.stdout, "points.", 30)
            assert "FAIL    demo.greet" in lines
            data = json.loads(notebook.read_text())
            for cell in data["cells"]:
                if "".join(cell["source"]).startswith("# exercise: demo.greet"):
                    cell["source"] = (
                        "# exercise: demo.greet\ndef greet(n):\n    return f'Hello, {n}!'"
                    )
            time.sleep(0.05)
            notebook.write_text(json.dumps(data))
            assert "PASS    demo.greet" in _read_until(process.stdout, "points.", 30)
        finally:
            process.terminate()


def _read_until(stream: object, marker: str, seconds: float) -> str:
    import time

    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        seen.append(line)
        if marker in line:
            break
    return "".join(seen)
