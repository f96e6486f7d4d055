"""A corpus of hostile submissions, graded in one batch beside honest ones.

Each hostile submission tries one thing. For each: the batch completes, the submission
gets its own status and message within its limit plus a second, no other submission's
result changes, and nothing passes that should not.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import replace_cells
from zendo._batch import Submission, find_submissions, grade_batch, grade_submission
from zendo._course import Course
from zendo._limits import Limits
from zendo._results import Status

GREET = "# exercise: demo.greet\n"
AS_ROOT = os.geteuid() == 0
# The fixture's exercises allow 3 s each; the hard limit adds 5 s of start-up.
HARD_LIMIT_SECONDS = 5 + 3 + 3

HOSTILE: dict[str, tuple[str, set[Status], str]] = {
    "infinite_loop": (
        "def greet(name):\n    while True:\n        pass",
        {Status.TIMEOUT},
        "still running after 3 seconds",
    ),
    "memory_bomb": (
        "def greet(name):\n    return bytes(16 * 2**30)",
        {Status.FAIL},
        "MemoryError",
    ),
    "fork_bomb": (
        "import os\ndef greet(name):\n    while True:\n        os.fork()",
        {Status.FAIL, Status.ERROR},
        "",
    ),
    "output_flood": (
        "def greet(name):\n    for _ in range(200):\n        print('x' * 1_000_000)\n"
        "    return 'Hello, Ada!'",
        {Status.FAIL},
        "",
    ),
    "sys_exit": ("import sys\ndef greet(name):\n    sys.exit(0)", {Status.FAIL}, "sys.exit(0)"),
    "os_exit": (
        "import os\ndef greet(name):\n    os._exit(0)",
        {Status.ERROR},
        "ended before every check had run",
    ),
    "segfault": (
        "import ctypes\ndef greet(name):\n    return ctypes.string_at(0)",
        {Status.ERROR},
        "segmentation fault",
    ),
    # COURSE is replaced by this test's own copy of the course: the attack must not reach
    # other tests' files (as root, nothing stops the write itself).
    "rewrites_the_graders": (
        "open('COURSE/tests/graders/test_01_demo.py', 'w')"
        ".write('def test_nothing():\\n    pass\\n')\n"
        "def greet(name):\n    return 'nope'",
        {Status.FAIL},
        "greet('Ada') returned 'nope'.",
    ),
    "patches_the_plugin": (
        "import zendo._plugin as plugin\n"
        "plugin.ZendoPlugin._classify = lambda self, exercise, error: ('pass', '', None)\n"
        "def greet(name):\n    return 'nope'",
        {Status.ERROR},
        "changed the grading tools (zendo._plugin.ZendoPlugin._classify)",
    ),
    "patches_the_grader": (
        "import sys\n"
        "for module in list(sys.modules.values()):\n"
        "    if getattr(module, '__name__', '').startswith('test_01_demo'):\n"
        "        module.expect = lambda *args, **kwargs: None\n"
        "def greet(name):\n    return 'nope'",
        {Status.ERROR},
        "changed the grading tools",
    ),
    "patches_builtins": (
        "import builtins\nbuiltins.abs = lambda number: 0\ndef greet(name):\n    return 'nope'",
        {Status.ERROR},
        "changed the grading tools (builtins.abs)",
    ),
    "breaks_builtins_pytest_needs": (
        "import builtins\nbuiltins.isinstance = lambda *args: True\n"
        "def greet(name):\n    return 'nope'",
        {Status.ERROR},
        "",
    ),
    "forges_outcome_lines": (
        "import json, os\ndef greet(name):\n"
        "    line = json.dumps({'exercise_id': 'demo.greet', 'test': 'test_greet', "
        "'status': 'pass'}) + '\\n'\n"
        "    for fd in range(3, 64):\n"
        "        try:\n            os.write(fd, line.encode())\n"
        "        except OSError:\n            pass\n"
        "    return 'nope'",
        {Status.FAIL},
        "greet('Ada') returned 'nope'.",
    ),
    "prints_a_passing_report": (
        "def greet(name):\n    print('test_greet PASSED')\n    print('1 passed in 0.01s')\n"
        "    return 'nope'",
        {Status.FAIL},
        "greet('Ada') returned 'nope'.",
    ),
    "kills_its_parent": (
        "import os, signal\ndef greet(name):\n    os.kill(os.getppid(), signal.SIGKILL)\n"
        "    return 'nope'",
        {Status.ERROR},
        "",
    ),
    "sleeps_in_a_thread": (
        "import threading, time\ndef greet(name):\n"
        "    threading.Thread(target=time.sleep, args=(1000,)).start()\n"
        "    return f'Hello, {name}!'",
        {Status.PASS},
        "",
    ),
}


@pytest.fixture
def hello_server() -> Iterator[int]:
    """An HTTP server on loopback, in the test's own network namespace, that greets."""

    class Greeter(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"Hello, Ada!"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Greeter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _submission(course: Course, folder: Path, name: str, code: str) -> Path:
    solution = course.root / "solutions" / "01_demo.ipynb"
    return replace_cells(solution, {"demo.greet": GREET + code}, folder / f"{name}.ipynb")


@pytest.mark.slow
def test_hostile_batch_completes_with_a_result_for_everyone(
    fixture_course: Course, tmp_path: Path, hello_server: int
) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name, (code, _, _) in HOSTILE.items():
        _submission(fixture_course, folder, name, code.replace("COURSE", str(fixture_course.root)))
    network = (
        "import urllib.request\ndef greet(name):\n"
        f"    return urllib.request.urlopen('http://127.0.0.1:{hello_server}/', timeout=2)"
        ".read().decode()"
    )
    _submission(fixture_course, folder, "network", network)
    honest = _submission(
        fixture_course, folder, "honest", "def greet(name):\n    return f'Hello, {name}!'"
    )
    wrong = _submission(fixture_course, folder, "wrong", "def greet(name):\n    return 'Hi'")
    (folder / "invalid_json.ipynb").write_text("{not json")
    (folder / "nbformat_3.ipynb").write_text(json.dumps({"nbformat": 3, "worksheets": []}))
    (folder / "binary.ipynb").write_bytes(bytes(range(256)) * 64)
    (folder / "no_exercise_cells.ipynb").write_text(
        json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})
    )

    alone = {
        "honest": grade_submission(fixture_course, Submission(honest, "honest"), Limits()),
        "wrong": grade_submission(fixture_course, Submission(wrong, "wrong"), Limits()),
    }
    submissions = find_submissions([folder], fixture_course)
    results = {
        r.learner: r for r in grade_batch(fixture_course, submissions, jobs=2, limits=Limits())
    }
    assert len(results) == len(HOSTILE) + 7  # nothing lost

    for name, (_, statuses, fragment) in HOSTILE.items():
        greet = next(e for e in results[name].exercises if e.id == "demo.greet")
        assert greet.status in statuses, (name, greet.status, greet.tests)
        messages = " ".join([greet.message, *(t.message for t in greet.tests)])
        assert fragment in messages, (name, messages)
        add = next(e for e in results[name].exercises if e.id == "demo.add")
        assert add.status is Status.PASS, (name, add.tests)  # the other exercise is untouched

    network_greet = next(e for e in results["network"].exercises if e.id == "demo.greet")
    # As root the child has a network namespace of its own; otherwise it shares ours.
    assert network_greet.status is (Status.FAIL if AS_ROOT else Status.PASS)

    for name in ("invalid_json", "nbformat_3", "binary", "no_exercise_cells"):
        assert results[name].status is Status.ERROR
        assert results[name].message.count("\n") == 0
        assert results[name].message
    assert "not valid notebook JSON" in results["invalid_json"].message
    assert "format 3" in results["nbformat_3"].message

    for name in ("honest", "wrong"):
        batch, single = results[name], alone[name]
        assert [(e.id, e.status, e.points) for e in batch.exercises] == [
            (e.id, e.status, e.points) for e in single.exercises
        ]
    assert results["honest"].status is Status.PASS
    assert results["wrong"].status is Status.FAIL
    # The grader file on disk was rewritten, yet the snapshot graded everyone after it.
    rewritten = fixture_course.root / "tests" / "graders" / "test_01_demo.py"
    assert rewritten.read_text().startswith("def test_nothing")


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["infinite_loop", "fork_bomb", "output_flood", "sleeps_in_a_thread"]
)
def test_hostile_submission_ends_within_its_limit_plus_a_second(
    fixture_course: Course, tmp_path: Path, name: str
) -> None:
    code = HOSTILE[name][0].replace("COURSE", str(fixture_course.root))
    path = _submission(fixture_course, tmp_path, name, code)
    started = time.monotonic()
    grade_submission(fixture_course, Submission(path, name), Limits())
    assert time.monotonic() - started <= HARD_LIMIT_SECONDS + 1


def test_fifty_megabytes_of_outputs_are_graded_not_choked_on(
    fixture_course: Course, tmp_path: Path
) -> None:
    solution = json.loads((fixture_course.root / "solutions" / "01_demo.ipynb").read_text())
    blob = "x" * (1024 * 1024)
    solution["cells"][1]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": blob} for _ in range(50)
    ]
    path = tmp_path / "huge.ipynb"
    path.write_text(json.dumps(solution))
    assert path.stat().st_size > 50 * 1024 * 1024
    result = grade_submission(fixture_course, Submission(path, "huge"), Limits())
    assert result.status is Status.PASS


def test_the_child_is_not_told_where_the_course_lives(
    fixture_course: Course, tmp_path: Path
) -> None:
    code = (
        "import os, sys\ndef greet(name):\n"
        "    return ' '.join([os.getcwd(), *sys.argv, *os.environ.values()])"
    )
    path = _submission(fixture_course, tmp_path, "snoop", code)
    result = grade_submission(fixture_course, Submission(path, "snoop"), Limits())
    greet = next(e for e in result.exercises if e.id == "demo.greet")
    seen = greet.tests[0].message
    assert "returned" in seen
    assert str(fixture_course.root) not in seen
