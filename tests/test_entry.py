"""The console script spawns `zendo grade`'s batch judge before the engine is imported.

`zendo._entry` reads the command line with the standard library alone; the engine then
adopts the judge it spawned (`zendo.judge.prestart`), or kills it at exit. Proven with
the real console script, real judge processes and the benchmark's anchor course.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import click
import pytest

from zendo import _entry
from zendo.cli import cli
from zendo.judge import prestart, runner
from zendo.judge.batch import _Server
from zendo.judge.warm import WarmJudge

REPO = Path(__file__).resolve().parents[1]
ANCHOR = REPO / "benchmarks" / "anchor"
ZENDO = Path(sys.executable).with_name("zendo")


@pytest.mark.parametrize(
    ("arguments", "command"),
    [
        (["grade", "submissions"], "grade"),
        (["--course", "grade", "check", "x"], "check"),  # a course folder named grade
        (["-v", "--course", "c", "grade", "s"], "grade"),
        (["-vv", "grade"], "grade"),
        (["--version"], None),
        ([], None),
        (["--", "grade"], None),
    ],
)
def test_the_entry_point_finds_the_command_as_click_would(
    arguments: list[str], command: str | None
) -> None:
    assert _entry.command_of(arguments) == command


def test_the_entry_point_knows_every_group_option_that_takes_a_value() -> None:
    # A new value-taking option on the `zendo` group must be listed, or its value would
    # be read as the command's name.
    with_values = {
        name
        for parameter in cli.params
        if isinstance(parameter, click.Option) and not parameter.is_flag and not parameter.count
        for name in parameter.opts
    }
    assert with_values == _entry.GROUP_OPTIONS_WITH_VALUES


def test_the_entry_point_spawns_what_zendo_grade_runs() -> None:
    assert (_Server.server_module, _Server.what) == _entry.BATCH_JUDGE
    assert _entry.wants_batch_judge(["--course", "c", "grade", "s"])
    assert not _entry.wants_batch_judge(["grade", "--help"])
    assert not _entry.wants_batch_judge(["check", "money.split"])


def test_the_entry_point_spawns_what_zendo_check_runs() -> None:
    assert _entry.ONE_JOB_JUDGE[0] == runner.ONE_JOB_MODULE
    assert _entry.wants_one_job_judge(["check", "welcome.greet"])
    assert _entry.wants_one_job_judge(["--course", "c", "-v", "check"])
    assert not _entry.wants_one_job_judge(["check", "--help"])
    assert not _entry.wants_one_job_judge(["grade", "s"])


def test_the_entry_point_spawns_what_zendo_watch_runs() -> None:
    assert (WarmJudge.server_module, WarmJudge.what) == _entry.WARM_JUDGE
    assert _entry.wants_warm_judge(["--course", "c", "watch", "calc.split"])
    assert not _entry.wants_warm_judge(["watch", "--help"])
    assert not _entry.wants_warm_judge(["check", "calc.split"])


def test_zendo_check_judges_in_the_judge_the_console_script_spawned(tmp_path: Path) -> None:
    solution = REPO / "solutions" / "00_welcome.ipynb"
    done = subprocess.run(
        [ZENDO, "-v", "check", "welcome.greet", "--notebook", solution],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "PASS" in done.stdout
    assert done.stderr.count("Adopted a judge spawned before the engine") == 1


def test_a_spawned_judge_given_no_job_ends_quietly() -> None:
    spawned = prestart.spawn_judge(runner.ONE_JOB_MODULE, "judge", log_on_stdout=True)
    try:
        log, _ = spawned.process.communicate(b"", timeout=120)
    finally:
        spawned.folder.cleanup()
    assert spawned.process.returncode == 0, log.decode(errors="replace")[-2000:]


def test_zendo_grade_adopts_the_judge_the_console_script_spawned(tmp_path: Path) -> None:
    folder = tmp_path / "ada"
    folder.mkdir()
    shutil.copy(ANCHOR / "submissions" / "good.ipynb", folder / "01_anchor.ipynb")
    done = subprocess.run(
        [ZENDO, "--course", ANCHOR, "-v", "grade", tmp_path, "--jobs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ada/01_anchor.ipynb" in done.stdout
    assert "pass" in done.stdout
    assert done.stderr.count("Adopted a judge spawned before the engine") == 1
    assert done.stderr.count("Started a judge server") == 1  # no second batch judge


def test_a_judge_nobody_adopted_is_killed_with_its_folder() -> None:
    prestart.prestart(*_entry.BATCH_JUDGE)
    spawned = prestart._prestarted[_entry.BATCH_JUDGE[0]]
    folder = Path(spawned.folder.name)
    assert folder.is_dir()
    assert spawned.process.poll() is None
    prestart._discard_all()
    assert spawned.process.returncode is not None
    assert not folder.exists()
    assert prestart.take_prestarted(_entry.BATCH_JUDGE[0]) is None
    with pytest.raises(ProcessLookupError):  # its whole process group is gone
        os.killpg(spawned.process.pid, 0)


def test_zendo_watch_checks_every_save_in_the_warm_judge_the_console_script_spawned(
    tmp_path: Path,
) -> None:
    root = tmp_path / "course"
    shutil.copytree(REPO / "tests" / "fixtures" / "course_v2", root)
    notebook = root / "exercises" / "01_calc.ipynb"
    log = tmp_path / "log.txt"
    command = [ZENDO, "-v", "--course", root, "watch", "calc.split", "--interval", "0.1"]
    with (
        log.open("w") as stderr,
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True) as process,
    ):
        assert process.stdout is not None
        try:
            assert "FAIL" in _read_until(process.stdout, "points.", 120)
            time.sleep(0.05)  # a save the watcher can tell from the last one by its time
            shutil.copy(root / "solutions" / "01_calc.ipynb", notebook)
            assert "PASS" in _read_until(process.stdout, "points.", 120)
        finally:
            process.send_signal(signal.SIGINT)
        assert "Stopped watching." in process.stdout.read()
    assert process.returncode == 0
    logged = log.read_text()
    assert logged.count("Adopted a judge spawned before the engine") == 1
    assert logged.count("Started a judge server") == 1  # both saves, one warm judge
    assert "judging cold" not in logged


def _read_until(stream: IO[str], marker: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        line = stream.readline()
        seen.append(line)
        if not line or marker in line:
            break
    return "".join(seen)
