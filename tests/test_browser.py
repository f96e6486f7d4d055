"""A learner's session in a real JupyterLab, started by `make lab`, in Debian's Chromium.

The course is copied to a temporary folder and JupyterLab is started there exactly as
the README tells a learner: `make lab`, with only extra options (no browser, a free port,
no token, the test's own settings and workspace folders). The tests then work as a person
would: open the URL that `make lab` printed, find the exercises from the file browser,
fail and pass a check with a hint in between, save, reload the page and still see the
verdict, run `zendo progress` in JupyterLab's terminal, and answer a quiz. Screenshots go
to test-output/: on failure, and of the reloaded notebook, which a reviewer can open.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

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
# The visible notebook only: other open tabs keep their (hidden) cells in the page.
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
CURRENT_TAB = '.lm-TabBar-tab.jp-mod-current[data-type="document-title"]'
WIDGET_ERROR = "Error displaying widget"
WRONG_GREET = """# exercise: welcome.greet
def greet(name: str) -> str:
    return "Hello " + name
"""
RIGHT_GREET = """# exercise: welcome.greet
def greet(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("a greeting needs a name")
    return f"Hello, {cleaned}!"
"""
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
# What a fresh clone holds that `make lab` needs; the environment is the repository's.
COPIED = ("Makefile", "pyproject.toml", "lab", "scripts", "course", "notebooks", "exercises",
          "solutions", "tests/graders")  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Lab:
    """A JupyterLab started by `make lab`, and the URL it printed for the learner."""

    base: str
    printed_url: str
    root: Path


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("wrong", "__pycache__", "migrated")
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    # The environment is the repository's, already set up: make must never reinstall it
    # from this copy (an editable install would then point at a folder about to vanish),
    # so the copy's pyproject.toml is older than any install stamp.
    os.utime(root / "pyproject.toml", (0, 0))
    return root


@pytest.fixture
def lab(course_copy: Path, tmp_path: Path) -> Iterator[Lab]:
    settings = tmp_path / "lab-settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "terminal-extension").mkdir(parents=True)
    # Render every cell, so a cell below the fold can be found by its text; give the
    # terminal its screen-reader text, so the test can read what a learner sees there.
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"})
    )
    (settings / "terminal-extension" / "plugin.jupyterlab-settings").write_text(
        json.dumps({"screenReaderMode": True})
    )
    port = _free_port()
    options = [
        "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
        f"--LabApp.user_settings_dir={tmp_path / 'lab-settings'}",
        f"--LabApp.workspaces_dir={tmp_path / 'lab-workspaces'}",
    ]  # fmt: skip
    environment = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    log_path = tmp_path / "make-lab.log"
    log = log_path.open("wb")
    command = ["make", "-C", str(course_copy), "lab", f"VENV={REPO / '.venv'}",
               f"LAB_OPTIONS={' '.join(options)}"]  # fmt: skip
    server = subprocess.Popen(
        command, env=environment, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
        start_new_session=True,  # make and JupyterLab in one group, stopped together
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            printed = re.search(rf"{re.escape(base)}/\S+", log_path.read_text(errors="replace"))
            if printed:
                try:
                    with urllib.request.urlopen(f"{base}/api/status", timeout=2):  # noqa: S310
                        break
                except OSError:
                    pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("make lab did not start JupyterLab:\n" + log_path.read_text())
            time.sleep(0.3)
        output = log_path.read_text(errors="replace")
        assert "install the course's packages" not in output, "make lab reinstalled: " + output
        yield Lab(base=base, printed_url=printed.group(0), root=course_copy)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture
def page(lab: Lab, request: pytest.FixtureRequest) -> Iterator[Page]:
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


def _wait_for_notebook(page: Page) -> None:
    page.locator(f"{NOTEBOOK} .jp-CodeCell .cm-content").first.wait_for()
    # Wait for this notebook's own kernel to be idle before running anything, as a person
    # would (the status bar may still show another, restored tab's kernel).
    indicator = page.locator(
        ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator"
    )
    expect(indicator).to_have_attribute("data-status", "idle", timeout=60_000)
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=60_000)


def _cells(page: Page) -> Locator:
    return page.locator(f"{NOTEBOOK} .jp-Cell")


def _cell_starting_with(page: Page, first_line: str, *, anywhere: bool = False) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        texts = _cells(page).evaluate_all(
            "cells => cells.map(c => (c.querySelector('.cm-content') || {}).innerText || '')"
        )
        for index, text in enumerate(texts):
            if text.startswith(first_line) or (anywhere and first_line in text):
                return index
        time.sleep(0.3)
    raise AssertionError(f"no cell starts with {first_line!r}")


def _cell_containing(page: Page, text: str) -> int:
    return _cell_starting_with(page, text, anywhere=True)


def _run_cell(page: Page, index: int) -> None:
    cell = _cells(page).nth(index)
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+Enter")
    cell.locator(".jp-InputArea-prompt").filter(has_not_text="[*]").wait_for()


def _run_cell_until(page: Page, index: int, shown: Locator) -> None:
    """Run a cell until `shown` appears; run it once more if nothing happened, as a person
    would. (The first run in a just-opened notebook is now and then lost in JupyterLab
    before its kernel connection is ready: the cell shows `[ ]` and never runs.)"""
    for wait in (20_000, 60_000):
        _run_cell(page, index)
        try:
            shown.wait_for(timeout=wait)
            return
        except PlaywrightTimeoutError:
            continue
    raise AssertionError(f"cell {index} ran twice without showing {shown}")


def _replace_cell(page: Page, index: int, text: str) -> None:
    editor = _cells(page).nth(index).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    # insertText pastes as a person would, without the editor's auto-indent.
    page.keyboard.insert_text(text)


def _open_from_file_browser(page: Page, folder: str, name: str) -> None:
    """Go to the course's top folder in the file browser, into `folder`, and open `name`."""
    page.locator(".jp-BreadCrumbs-home").click()
    listing = page.locator(".jp-DirListing-content")
    for expected in ("exercises", "notebooks", "course"):
        expect(listing.get_by_text(expected, exact=True)).to_be_visible()
    listing.get_by_text(folder, exact=True).dblclick()
    expect(page.locator(".jp-BreadCrumbs")).to_contain_text(folder)
    listing.get_by_text(name, exact=True).dblclick()
    expect(page.locator(CURRENT_TAB)).to_contain_text(name)
    _wait_for_notebook(page)


def _save(page: Page) -> None:
    page.keyboard.press("Control+s")
    expect(page.locator(CURRENT_TAB)).not_to_have_class(re.compile(r"jp-mod-dirty"))


def _terminal_output(page: Page, command: str, until: str) -> str:
    """Open a terminal from the File menu, run `command`, and read the screen."""
    page.get_by_role("menuitem", name="File", exact=True).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^New$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Terminal$")).click()
    screen = page.locator(".jp-Terminal .xterm-accessibility-tree")
    screen.wait_for(state="attached")
    page.locator(".jp-Terminal:visible .xterm-helper-textarea").focus()
    page.keyboard.type(command + "\n")
    expect(screen).to_contain_text(until, timeout=60_000)
    return screen.inner_text()


@pytest.mark.slow
def test_a_new_learner_opens_the_course_checks_an_exercise_reloads_and_sees_progress(
    page: Page, lab: Lab
) -> None:
    # The URL make lab printed lands on the welcome notebook, served from the course root.
    assert lab.printed_url.startswith(f"{lab.base}/lab/tree/notebooks/00_welcome.ipynb")
    page.goto(lab.printed_url)
    _wait_for_notebook(page)
    expect(page.locator(NOTEBOOK)).to_contain_text("Welcome to Zendo")

    _open_from_file_browser(page, "exercises", "00_welcome.ipynb")
    tab = page.locator(f"{CURRENT_TAB} .lm-TabBar-tabLabel")
    pencil = tab.evaluate("label => getComputedStyle(label, '::before').content")
    assert "✎" in pencil  # an exercise notebook's tab is marked

    _run_cell(page, _cell_starting_with(page, "# setup"))
    greet = _cell_starting_with(page, "# exercise: welcome.greet")
    check_cell = greet + 1
    _replace_cell(page, greet, WRONG_GREET)
    _run_cell(page, greet)
    _run_cell(page, check_cell)
    outputs = _cells(page).nth(check_cell).locator(".jp-OutputArea")
    expect(outputs).to_contain_text("FAIL", timeout=60_000)
    expect(outputs).to_contain_text("Hint:")
    outputs.get_by_role("button", name="Next hint").click()
    expect(outputs).to_contain_text("Hint 1 of 3")
    expect(outputs).to_contain_text("Click Next hint again")

    _replace_cell(page, greet, RIGHT_GREET)
    _run_cell(page, greet)
    _run_cell(page, check_cell)
    expect(outputs).to_contain_text("PASS", timeout=60_000)
    expect(outputs.get_by_role("button", name="Next hint")).to_have_count(0)

    # Save, reload the page: the verdict is still there, and no widget error anywhere.
    _save(page)
    page.reload()
    _wait_for_notebook(page)
    reloaded = _cells(page).nth(_cell_starting_with(page, "# exercise: welcome.greet") + 1)
    expect(reloaded.locator(".jp-OutputArea")).to_contain_text("PASS")
    expect(reloaded.locator(".jp-OutputArea")).to_contain_text("welcome.greet")
    time.sleep(1)  # widget views restore asynchronously; give an error time to show
    expect(page.locator(NOTEBOOK)).not_to_contain_text(WIDGET_ERROR)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "reloaded-exercise-notebook.png")

    # zendo works in JupyterLab's own terminal, whatever started the server.
    screen = _terminal_output(page, "zendo progress", until="welcome.greet")
    assert re.search(r"welcome\.greet\s+pass", screen), screen
    assert "command not found" not in screen

    state = json.loads((lab.root / ".zendo" / "state.json").read_text())
    assert state["exercises"]["welcome.greet"]["status"] == "pass"


@pytest.mark.slow
def test_learner_gets_a_hint_fixes_money_split_and_answers_a_quiz_that_survives_a_reload(
    page: Page, lab: Lab
) -> None:
    page.goto(f"{lab.base}/lab/tree/exercises/05_money.ipynb")
    _wait_for_notebook(page)
    _run_cell(page, _cell_starting_with(page, "# setup"))
    split = _cell_starting_with(page, "# exercise: money.split")
    _replace_cell(page, split, WRONG_SPLIT)
    _run_cell(page, split)
    _run_cell(page, split + 1)  # the check cell under the exercise
    verdict = _cells(page).nth(split + 1).locator(".jp-OutputArea")
    expect(verdict).to_contain_text("FAIL", timeout=60_000)
    expect(verdict).to_contain_text("Hint:")
    verdict.get_by_role("button", name="Next hint").click()
    expect(verdict).to_contain_text("Hint 1 of")
    # Asking for the solution early asks first, and keeps the hint on screen.
    verdict.get_by_role("button", name="Show solution…").click()
    expect(verdict).to_contain_text("Not solved yet")
    expect(verdict).to_contain_text("Hint 1 of")

    _replace_cell(page, split, RIGHT_SPLIT)
    _run_cell(page, split)
    _run_cell(page, split + 1)
    expect(verdict).to_contain_text("PASS", timeout=60_000)
    expect(verdict).to_contain_text("Well done")

    progress_cell = _cell_starting_with(page, "from zendo.notebook import progress")
    _run_cell(page, progress_cell)
    progress = _cells(page).nth(progress_cell).locator(".jp-OutputArea")
    expect(progress).to_contain_text("money.split")
    expect(progress).to_contain_text("pass")

    page.goto(f"{lab.base}/lab/tree/notebooks/05_money.ipynb")
    _wait_for_notebook(page)
    # A quiz cell imports what it calls, so it runs alone, as after a kernel restart.
    quiz_cell = _cell_containing(page, 'quiz("money.round_2675")')
    quiz_output = _cells(page).nth(quiz_cell).locator(".jp-OutputArea")
    _run_cell_until(page, quiz_cell, quiz_output.locator("input[type='radio']").first)
    question = load_course(lab.root).quiz("money.round_2675")
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

    _save(page)
    page.reload()
    _wait_for_notebook(page)
    reloaded = _cells(page).nth(_cell_containing(page, 'quiz("money.round_2675")'))
    expect(reloaded.locator(".jp-OutputArea")).to_contain_text(question.question)
    time.sleep(1)  # widget views restore asynchronously; give an error time to show
    expect(page.locator(NOTEBOOK)).not_to_contain_text(WIDGET_ERROR)

    state = json.loads((lab.root / ".zendo" / "state.json").read_text())
    assert state["exercises"]["money.split"]["status"] == "pass"
    assert state["quizzes"]["money.round_2675"] == {"correct": True, "attempts": 2}
