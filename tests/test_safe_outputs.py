"""What the instructor opens is safe to open, whatever learners wrote.

JUnit XML always parses; no CSV cell starts a spreadsheet formula; nothing printed on a
terminal carries an escape sequence or a control character. Proven on report models
holding every awkward character, and on one real batch where learners' folder names,
notebook names and exception messages carry them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from zendo._results import ExerciseResult, Report, Status, SubmissionResult, TestResult
from zendo._safe_text import for_spreadsheet, for_terminal, for_xml
from zendo.render.csv import COLUMNS, render_csv
from zendo.render.junit import render_junit

# Every C0 and C1 control character, DEL, lone surrogates, the non-characters XML 1.0
# forbids, and the bidirectional overrides that reorder what a reader sees.
NASTY = (
    "".join(map(chr, range(0x20)))
    + "\x7f"
    + "".join(map(chr, range(0x80, 0xA0)))
    + "\ud800\udfff\ufffe\uffff\u202e\u2066"
    + "\x1b[31m\x1b]0;title\x07\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\"
)
# What must never reach a terminal: control characters (newline and tab aside),
# surrogates and bidirectional controls.
TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r", " =", "  +", " \t"]


def hostile_report(text: str) -> Report:
    """A report whose every free-text field holds `text`."""
    test = TestResult(
        name=f"test_x[{text}]",
        title=text,
        status=Status.FAIL,
        message=text,
        hint=text,
        hint_id=text,
        output=text,
    )
    exercise = ExerciseResult(
        id=text, title=text, status=Status.FAIL, points=0, max_points=1, message=text,
        tests=[test],
    )  # fmt: skip
    return Report(
        zendo_version="0",
        course=text,
        course_version=text,
        submissions=[
            SubmissionResult(
                source=text, learner=text, status=Status.FAIL, points=0, max_points=1,
                message=text, exercises=[exercise],
            ),
            SubmissionResult(
                source=text, learner=text, status=Status.ERROR, points=0, max_points=0,
                message=text,
            ),
        ],
    )  # fmt: skip


def test_junit_parses_whatever_characters_learners_wrote() -> None:
    xml = render_junit(hostile_report(f"before {NASTY} after"))
    root = ET.fromstring(xml.encode("utf-8"))  # noqa: S314 - encodable, well-formed XML 1.0
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    message = failure.get("message", "")
    assert message.startswith("before ")
    assert message.endswith(" after")
    for escaped in ("\\x00", "\\x1b", "\\udfff", "\\ufffe", "\\uffff"):
        assert escaped in message
    assert all(ord(char) >= 0x20 or char in "\t\n\r" for char in ET.tostring(root, "unicode"))


def test_xml_keeps_what_is_legal() -> None:
    legal = "tab\tnewline\nreturn\r é 中 \U0001f600 <&>\"'"
    assert for_xml(legal) == legal


@pytest.mark.parametrize("start", FORMULA_STARTS)
@pytest.mark.parametrize("column", ["learner", "submission", "exercise", "hint_id", "message"])
def test_no_csv_cell_can_start_a_formula(start: str, column: str) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(hostile_report(f"{start}1+1")))))
    assert len(rows) == 2
    for row in rows:
        if row[column]:  # neutralised: quoted, or a carriage return shown as `\x0d`
            assert row[column].startswith(("'", "\\x0d")), (column, row[column])
    for row in rows:  # every text column of every row, not just the one under test
        for name in COLUMNS:
            cell = row[name].lstrip(" ")
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, row[name])


def test_csv_cells_hold_no_control_characters() -> None:
    text = render_csv(hostile_report(NASTY))
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(TERMINAL_UNSAFE.search(cell) for cell in cells)


def test_plain_text_is_left_alone() -> None:
    plain = "greet('Ada') returned 'Hi'.\n\tExpected 'Hello, Ada!' (3 + 4 = 7) é 中"
    assert for_terminal(plain) == plain
    assert for_spreadsheet("ada") == "ada"
    assert for_spreadsheet("3 + 4") == "3 + 4"


def test_terminal_text_loses_escape_sequences_and_control_characters() -> None:
    shown = for_terminal(f"a{NASTY}z\r\nnext line")
    assert not TERMINAL_UNSAFE.search(shown)
    assert "\x1b" not in shown
    assert "title" not in shown  # the OSC sequence went whole
    assert shown.startswith("a")
    assert shown.endswith("z\nnext line")
    assert "\\x08" in shown  # a backspace is shown, not obeyed


RIGHT = "# exercise: demo.greet\ndef greet(name):\n    return f'Hello, {name}!'"
WRONG = "# exercise: demo.greet\ndef greet(name):\n    return 'Hi'"
# Learner code whose failure message carries control characters and escape sequences.
SHOUTING = (
    "# exercise: demo.greet\n"
    "def greet(name):\n"
    "    print('\\x1b]0;owned\\x07\\x1b[2J')\n"
    "    raise ValueError('\\x1b]0;owned\\x07\\x1b[2J\\x00\\x08\\r\\x9b\\u202e\\ufffe\\uffff=1+1')"
)
EVIL_FOLDER = "\x1b]0;pwned\x07\x1b[2Jevil"
FORMULA_NOTEBOOKS = ["=1+1", "+1", "-1", "@SUM(1)", "\t=1", " =1"]


def zendo_grade(course: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "zendo", "--course", str(course), "grade", *arguments],
        capture_output=True,
        timeout=300,
        check=False,
    )


def shown(stream: bytes) -> str:
    """What a terminal would get: it must be UTF-8 and free of control characters."""
    text = stream.decode("utf-8")  # strict: a lone surrogate cannot even be encoded
    found = TERMINAL_UNSAFE.search(text)
    assert found is None, f"{found[0]!r} reaches the terminal in: {text!r:.2000}"
    return text


def without_timings(gradebook: Path) -> dict[str, dict[str, object]]:
    report = json.loads(gradebook.read_text(encoding="utf-8"))
    for submission in report["submissions"]:
        for exercise in submission["exercises"]:
            for test in exercise["tests"]:
                test.pop("duration_seconds")
    return {submission["source"]: submission for submission in report["submissions"]}


@pytest.mark.slow
def test_a_batch_of_hostile_names_and_messages_gives_safe_outputs(
    course_root: Path, tmp_path: Path
) -> None:
    solution = course_root / "solutions" / "01_demo.ipynb"
    folder = tmp_path / "class"
    for learner, code in (("ada", RIGHT), ("bob", WRONG), (EVIL_FOLDER, SHOUTING)):
        (folder / learner).mkdir(parents=True)
        replace_cells(solution, {"demo.greet": code}, folder / learner / "01_demo.ipynb")
    for name in FORMULA_NOTEBOOKS:  # a notebook not named after a lesson names its learner
        replace_cells(solution, {"demo.greet": WRONG}, folder / f"{name}.ipynb")
    gradebook, junit = tmp_path / "class.json", tmp_path / "class.xml"
    run = zendo_grade(
        course_root, str(folder), "--jobs", "2", "--gradebook", str(gradebook),
        "--format", "junit", "--output", str(junit),
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    progress = shown(run.stderr)
    assert "evil/01_demo.ipynb: fail, " in progress  # the name, without its escapes

    root = ET.parse(junit).getroot()  # noqa: S314 - well-formed, whatever learners wrote
    [evil] = [suite for suite in root if "evil/01_demo.ipynb::demo.greet" in suite.get("name", "")]
    assert "\\x1b]0;pwned\\x07" in evil.get("name", "")  # escaped, visible, harmless
    [failure] = evil.iter("failure")
    assert "\\x00\\x08" in failure.get("message", "")

    table = gradebook.with_suffix(".csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(table)))
    learners = {row["learner"] for row in rows}
    assert {"'=1+1", "'+1", "'-1", "'@SUM(1)", "'\t=1", "' =1"} <= learners
    for row in rows:
        for name in COLUMNS:
            assert not row[name].lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
            assert not TERMINAL_UNSAFE.search(row[name])

    # The same gradebook printed on a terminal, in each format (resumed: nothing regraded).
    for output_format in ("table", "csv", "junit", "json"):
        again = zendo_grade(
            course_root, str(folder), "--gradebook", str(gradebook), "--resume",
            "--format", output_format,
        )  # fmt: skip
        assert again.returncode == 1, again.stderr
        text = shown(again.stdout)
        shown(again.stderr)
        assert "evil" in text
    assert json.loads(text)["submissions"]  # JSON on a terminal is still JSON

    batch = without_timings(gradebook)
    for learner in ("ada", "bob"):
        alone = tmp_path / f"{learner}.json"
        zendo_grade(course_root, str(folder / learner), "--gradebook", str(alone))
        key = f"{learner}/01_demo.ipynb"
        assert batch[key] == without_timings(alone)[key]
