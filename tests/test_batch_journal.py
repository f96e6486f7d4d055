"""A batch's journal, and the outputs written from it a submission at a time.

The streamed outputs are the bytes the whole-report renderers give (the JSON gradebook
that `zendo report`, `zendo merge` and `--resume` read, its CSV, JUnit, the table); a
batch killed with `kill -9` resumes from its journal, regrading only what was not done.
"""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import replace_cells
from zendo._batch import load_report
from zendo._journal import journal_path
from zendo._results import ExerciseResult, Report, Status, SubmissionResult, TestResult
from zendo._safe_text import for_terminal, model_for_terminal
from zendo.cli import cli
from zendo.render.csv import render_csv, write_csv
from zendo.render.json import render_json, render_json_ascii, write_json
from zendo.render.junit import render_junit, write_junit
from zendo.render.terminal import render_batch_table, write_batch_table

RIGHT = "# exercise: demo.greet\ndef greet(name):\n    return f'Hello, {name}!'"
WRONG = "# exercise: demo.greet\ndef greet(name):\n    return 'Hi'"
# Control characters, escape sequences (one left open), bidirectional overrides, XML's
# non-characters, non-ASCII: what learners' names, code and output may hold.
AWKWARD = "\x00\x07\x1b[31m\x1b]0;title\x07\u202e\ufffe é ✓ \t\r\n\x1b]8;;"

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.just(AWKWARD)
statuses = st.sampled_from(list(Status))
tests = st.builds(
    TestResult, name=texts, title=texts, status=statuses, message=texts | st.just("   "),
    hint=st.none() | texts, hint_id=st.none() | texts, output=texts,
    duration_seconds=st.floats(0, 10), weight=st.integers(1, 5), hidden=st.booleans(),
)  # fmt: skip
exercises = st.builds(
    ExerciseResult, id=texts, title=texts, status=statuses, points=st.floats(0, 10),
    max_points=st.integers(0, 10), message=texts | st.just(" \n "),
    tests=st.lists(tests, max_size=3), hidden_not_run=st.integers(0, 2),
)  # fmt: skip
submissions = st.builds(
    SubmissionResult, source=texts, learner=texts, sha256=texts, status=statuses,
    points=st.floats(0, 100), max_points=st.integers(0, 100), message=texts,
    exercises=st.lists(exercises, max_size=3),
)  # fmt: skip
reports = st.builds(
    Report, zendo_version=texts, course=texts, course_version=texts,
    grader_hashes=st.dictionaries(texts, texts, max_size=2),
    submissions=st.lists(submissions, max_size=4),
)  # fmt: skip


def streamed(write: object, *arguments: object, **options: object) -> str:
    buffer = io.StringIO()
    write(buffer, *arguments, **options)  # type: ignore[operator]
    return buffer.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports)
def test_streamed_outputs_are_the_bytes_of_the_whole_report_renderers(report: Report) -> None:
    head, each = report.model_copy(update={"submissions": []}), report.submissions
    assert streamed(write_json, head, each) == render_json(report)
    assert streamed(write_json, head, each, ascii_only=True) == render_json_ascii(report)
    assert streamed(write_junit, head, each) == render_junit(report)
    # On a terminal, each piece is cleaned on its own: XML has escaped every ESC already,
    # so no escape sequence spans two learners' pieces, and the text is the same.
    assert streamed(write_junit, head, each, each=for_terminal) == for_terminal(
        render_junit(report)
    )
    assert streamed(write_csv, each) == render_csv(report)
    assert json.loads(streamed(write_json, head, each)) == report.model_dump(mode="json")


def test_the_table_is_written_in_two_passes_with_the_widths_of_the_whole() -> None:
    rows = [
        SubmissionResult(source="ada/01_demo.ipynb", status=Status.PASS, points=2, max_points=2),
        SubmissionResult(
            source="b\x1b[2Jo/01.ipynb", status=Status.ERROR, points=0, max_points=10,
            message="not a notebook\nsecond line",
        ),
    ]  # fmt: skip
    text = streamed(write_batch_table, lambda: map(model_for_terminal, rows))
    assert text == (
        "submission         status  points  first problem\n"
        "ada/01_demo.ipynb  pass       2/2\n"
        "bo/01.ipynb        error     0/10  not a notebook\n"
        "1 of 2 submissions passed everything.\n"
    )
    report = Report(zendo_version="0", course="c", submissions=rows)
    assert text == render_batch_table(model_for_terminal(report))


@pytest.fixture
def big_class(course_root: Path, tmp_path: Path) -> Path:
    """Ten learners, right and wrong in turn: long enough to be killed halfway."""
    folder = tmp_path / "class"
    solution = course_root / "solutions" / "01_demo.ipynb"
    for number in range(10):
        (folder / f"learner{number}").mkdir(parents=True)
        code = RIGHT if number % 2 == 0 else WRONG
        replace_cells(solution, {"demo.greet": code}, folder / f"learner{number}" / "01_demo.ipynb")
    return folder


def zendo(course_root: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "zendo", "--course", str(course_root), *arguments]


def without_durations(report: Report) -> object:
    data = report.model_dump(mode="json")
    for submission in data["submissions"]:
        for exercise in submission["exercises"]:
            for test in exercise["tests"]:
                test["duration_seconds"] = 0
    return data


def test_a_batch_killed_with_kill_9_resumes_from_its_journal(
    course_root: Path, big_class: Path, tmp_path: Path
) -> None:
    gradebook = tmp_path / "out" / "class.json"
    journal = journal_path(gradebook)
    batch = subprocess.Popen(
        zendo(course_root, "grade", str(big_class), "--jobs", "1", "--gradebook", str(gradebook)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not (journal.exists() and journal.read_bytes().count(b"\n") >= 4):
            assert batch.poll() is None, "the batch ended before it could be killed"
            assert time.monotonic() < deadline, "no results reached the journal"
            time.sleep(0.02)
    finally:
        os.killpg(batch.pid, signal.SIGKILL)  # the batch and its grading processes
        batch.wait()
    assert batch.returncode == -signal.SIGKILL
    assert not gradebook.exists()  # a gradebook is written only at the end
    lines = journal.read_bytes().splitlines()
    done = {SubmissionResult.model_validate_json(line).source for line in lines[1:]}
    assert 3 <= len(done) < 10

    resumed = subprocess.run(
        zendo(course_root, "grade", str(big_class), "--jobs", "2", "--gradebook", str(gradebook),
              "--resume"),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert resumed.returncode == 1, resumed.stderr
    regraded = {line.split()[2].rstrip(":") for line in resumed.stderr.splitlines() if "] " in line}
    everyone = {f"learner{number}/01_demo.ipynb" for number in range(10)}
    assert regraded == everyone - done  # what the killed batch finished is not graded again
    assert "5 of 10 submissions passed everything." in resumed.stdout
    assert not journal.exists()  # the batch finished: the gradebook holds everything

    # The same gradebook as one batch that was never killed (durations aside).
    fresh = tmp_path / "fresh.json"
    whole = subprocess.run(
        zendo(course_root, "grade", str(big_class), "--gradebook", str(fresh)),
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert whole.returncode == 1
    assert without_durations(load_report(gradebook)) == without_durations(load_report(fresh))
    assert gradebook.read_bytes() == render_json(load_report(gradebook)).encode()
    assert gradebook.with_suffix(".csv").read_text(encoding="utf-8") == render_csv(
        load_report(gradebook)
    )


def test_every_output_format_is_the_whole_report_renderers_bytes(
    runner: CliRunner,
    course_root: Path,
    big_class: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Graded once, then written in every format from the journal of a resumed batch
    (which grades nothing): each file is what the whole-report renderers write."""
    caplog.set_level(logging.INFO, logger="zendo._journal")
    gradebook = tmp_path / "class.json"
    base = ["--course", str(course_root), "grade", str(big_class), "--gradebook", str(gradebook)]
    first = runner.invoke(cli, base)
    assert first.exit_code == 1, first.output
    report = load_report(gradebook)
    assert len(report.submissions) == 10
    assert gradebook.read_text(encoding="utf-8") == render_json(report)
    assert gradebook.with_suffix(".csv").read_text(encoding="utf-8") == render_csv(report)
    assert first.stdout == render_batch_table(model_for_terminal(report))
    assert not journal_path(gradebook).exists()

    expected = {
        "json": (render_json(report), render_json_ascii(report)),
        "junit": (render_junit(report), for_terminal(render_junit(report))),
        "csv": (render_csv(report), for_terminal(render_csv(report))),
        "table": (render_batch_table(model_for_terminal(report)),) * 2,
    }
    for output_format, (to_file, to_terminal) in expected.items():
        target = tmp_path / f"out.{output_format}"
        written = runner.invoke(
            cli, [*base, "--resume", "--format", output_format, "--output", str(target)]
        )
        assert written.exit_code == 1, written.output
        assert "] " not in written.stderr  # nothing graded again
        assert target.read_text(encoding="utf-8") == to_file, output_format
        printed = runner.invoke(cli, [*base, "--resume", "--format", output_format])
        assert printed.stdout == to_terminal, output_format
    assert gradebook.read_text(encoding="utf-8") == render_json(report)  # rewritten the same
    assert "Read a gradebook whole" not in caplog.text  # zendo's own: a result at a time


def test_resume_reads_a_gradebook_another_tool_rewrote(
    runner: CliRunner,
    course_root: Path,
    big_class: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    gradebook = tmp_path / "class.json"
    base = ["--course", str(course_root), "grade", str(big_class), "--gradebook", str(gradebook)]
    assert runner.invoke(cli, base).exit_code == 1
    report = load_report(gradebook)
    # An instructor's script reformats it: no longer laid out as zendo writes it.
    gradebook.write_text(json.dumps(json.loads(gradebook.read_text()), indent=4))
    with caplog.at_level(logging.INFO, logger="zendo._journal"):
        resumed = runner.invoke(cli, [*base, "--resume"])
    assert resumed.exit_code == 1
    assert "] " not in resumed.stderr
    assert "Read a gradebook whole" in caplog.text
    assert gradebook.read_text(encoding="utf-8") == render_json(report)


def test_a_journal_line_cut_short_is_regraded_and_a_broken_one_refused(
    runner: CliRunner, course_root: Path, big_class: Path, tmp_path: Path
) -> None:
    gradebook = tmp_path / "class.json"
    base = ["--course", str(course_root), "grade", str(big_class), "--gradebook", str(gradebook)]
    assert (
        runner.invoke(cli, [*base, "--format", "json", "--output", str(tmp_path / "a")]).exit_code
        == 1
    )
    report = load_report(gradebook)
    journal = journal_path(gradebook)
    # What a batch killed mid-write leaves: a head, results, and a last line cut short.
    head = json.dumps(
        {
            "zendo_journal": 1,
            "report": json.loads(render_json(report.model_copy(update={"submissions": []}))),
        }
    )
    kept = report.submissions[:3]
    lines = [head, *(result.model_dump_json() for result in kept)]
    journal.write_text("\n".join(lines) + "\n" + report.submissions[3].model_dump_json()[:50])
    gradebook.unlink()
    resumed = runner.invoke(cli, [*base, "--resume"])
    assert resumed.exit_code == 1, resumed.output
    regraded = {line.split()[2].rstrip(":") for line in resumed.stderr.splitlines() if "] " in line}
    assert regraded == {s.source for s in report.submissions[3:]}
    assert without_durations(load_report(gradebook)) == without_durations(report)

    journal.write_text(head + "\n{not a result}\n")
    refused = runner.invoke(cli, [*base, "--resume"])
    assert refused.exit_code == 2
    assert f"Line 2 of {journal} is not a result" in refused.output
