"""A learner's session in a real JupyterLab, driven in Debian's Chromium with Playwright.

The course is copied to a temporary folder, JupyterLab is started on loopback, and the
test works as a person would: open the money exercises, write a wrong answer, run it and
its check cell, read the failure and its hint, fix it, see the pass; answer a quiz
question in the lesson; see progress move. Screenshots of failures go to test-output/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import FAILED, REPO
from zendo._course import load_course

SCREENSHOTS = REPO / "test-output"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WRONG_SPLIT = """# exercise: money.split
def split(total_minor: int, n: int) -> list[int]:
    return [round(total_minor / n)] * n
"""
RIGHT_SPLIT = """# exercise: money.split
def split(total_minor: int, n: int) -> list[int]:
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    base, remainder = divmod(total_minor, n)
    return [base + 1] * remainder + [base] * (n - remainder)
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    for folder in ("course", "notebooks", "exercises", "solutions", "tests/graders"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("wrong"))
    return root


@pytest.fixture
def jupyterlab(course_copy: Path, tmp_path: Path) -> Iterator[str]:
    settings = tmp_path / "lab-settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "notebook-extension").mkdir(parents=True)
    # The news toast can cover buttons; a test has no network to fetch news anyway.
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # Render every cell, so a cell below the fold can be found by its text.
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"})
    )
    port = _free_port()
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    environment["JUPYTERLAB_SETTINGS_DIR"] = str(tmp_path / "lab-settings")
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", "--ServerApp.token=", "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True", "--allow-root",
        f"--ServerApp.root_dir={course_copy}",
    ]  # fmt: skip
    log = (tmp_path / "jupyterlab.log").open("wb")
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(
                        "JupyterLab did not start: " + (tmp_path / "jupyterlab.log").read_text()
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture
def page(jupyterlab: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    chromium = shutil.which("chromium")
    assert chromium, (
        "Debian's Chromium is needed for the browser test: apt-get install chromium "
        "(.ci/run and `make test` install it where they can)."
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            yield page
        finally:
            if request.node.stash.get(FAILED, False):
                SCREENSHOTS.mkdir(exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
            browser.close()


def _open(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/lab/tree/{path}")
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.wait_for()
    # Wait for the kernel to be idle before running anything, as a person would.
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=60_000)


def _cell_starting_with(page: Page, first_line: str) -> int:
    cells = page.locator(".jp-Notebook .jp-Cell")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        texts = cells.evaluate_all(
            "cells => cells.map(c => (c.querySelector('.cm-content') || {}).innerText || '')"
        )
        for index, text in enumerate(texts):
            if text.startswith(first_line):
                return index
        time.sleep(0.3)
    raise AssertionError(f"no cell starts with {first_line!r}")


def _run_cell(page: Page, index: int) -> None:
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    cell.locator(".jp-InputArea-prompt").filter(has_not_text="[*]").wait_for()


def _replace_cell(page: Page, index: int, text: str) -> None:
    editor = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    # insertText pastes as a person would, without the editor's auto-indent.
    page.keyboard.insert_text(text)


@pytest.mark.slow
def test_learner_checks_gets_a_hint_fixes_answers_a_quiz_and_sees_progress(
    page: Page, jupyterlab: str, course_copy: Path
) -> None:
    _open(page, jupyterlab, "exercises/05_money.ipynb")
    cells = page.locator(".jp-Notebook .jp-Cell")
    setup = _cell_starting_with(page, "# setup")
    _run_cell(page, setup)

    split = _cell_starting_with(page, "# exercise: money.split")
    _replace_cell(page, split, WRONG_SPLIT)
    _run_cell(page, split)
    _run_cell(page, split + 1)  # the check cell under the exercise
    verdict = cells.nth(split + 1).locator(".jp-OutputArea")
    expect(verdict).to_contain_text("FAIL", timeout=60_000)
    expect(verdict).to_contain_text("Hint:")

    verdict.get_by_role("button", name="Next hint").click()
    expect(verdict).to_contain_text("Hint 1 of")

    _replace_cell(page, split, RIGHT_SPLIT)
    _run_cell(page, split)
    _run_cell(page, split + 1)
    expect(verdict).to_contain_text("PASS", timeout=60_000)
    expect(verdict).to_contain_text("Well done")

    progress_cell = _cell_starting_with(page, "progress()")
    _run_cell(page, progress_cell)
    expect(cells.nth(progress_cell).locator(".jp-OutputArea")).to_contain_text("money.split")
    expect(cells.nth(progress_cell).locator(".jp-OutputArea")).to_contain_text("pass")

    _open(page, jupyterlab, "notebooks/05_money.ipynb")
    quiz_import = _cell_starting_with(page, "from zendo.notebook import quiz")
    _run_cell(page, quiz_import)
    quiz_cell = _cell_starting_with(page, 'quiz("money.round_2675")')
    _run_cell(page, quiz_cell)
    quiz_output = page.locator(".jp-Notebook .jp-Cell").nth(quiz_cell).locator(".jp-OutputArea")
    quiz_output.locator("input[type='radio']").first.wait_for()
    question = load_course(course_copy).quiz("money.round_2675")
    wrong = next(option for option in question.options if not option.correct)
    right = next(option for option in question.options if option.correct)
    feedback = quiz_output.locator(".zendo-quiz-feedback")
    # A learner tries a wrong answer first, reads why, then picks the right one.
    quiz_output.locator(".widget-radio-box label", has_text=wrong.text).click()
    quiz_output.get_by_role("button", name="Check answer").click()
    expect(feedback).to_contain_text(wrong.explanation)
    quiz_output.locator(".widget-radio-box label", has_text=right.text).click()
    quiz_output.get_by_role("button", name="Check answer").click()
    expect(feedback).to_contain_text("Correct!")

    state = json.loads((course_copy / ".zendo" / "state.json").read_text())
    assert state["exercises"]["money.split"]["status"] == "pass"
    assert state["quizzes"]["money.round_2675"] == {"correct": True, "attempts": 2}
