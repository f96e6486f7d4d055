"""The judge helpers the code-quality lesson added: log records and ruff commands.

`capture_logs` brings a learner's log records back as exact data, in a real sandbox;
a recorder the learner's code tampered with is a failed check, never a crash or a pass.
`run_ruff_command` runs the real ruff over a private project and keeps its paths out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest

from zendo.judge import (
    Learner,
    LearnerFailure,
    LogEntry,
    capture_logs,
    run_ruff_command,
)
from zendo.judge.sandbox import Sandbox, choose_isolation

Start = Callable[[str], Learner]

SHIPS = """\
import logging

logger = logging.getLogger("shop.orders")


def ship(order_id):
    logger.debug("looking up %s", order_id)
    logger.info("shipping order %s", order_id)
    logger.warning(f"late order {order_id}")
    return order_id
"""


@pytest.fixture
def start() -> Iterator[Start]:
    started: list[Learner] = []

    def make(source: str) -> Learner:
        sandbox = Sandbox(module="learner_code", source=source, isolation=choose_isolation())
        learner = Learner(sandbox=sandbox, budget_seconds=10.0)
        started.append(learner)
        learner.start()
        return learner

    yield make
    for learner in started:
        learner.close()


def test_log_records_come_back_as_data_in_order(start: Start) -> None:
    learner = start(SHIPS)
    logs = capture_logs(learner)
    assert learner.call("ship", 42).value == 42
    assert logs.entries() == [
        LogEntry(logging.DEBUG, "shop.orders", "looking up %s", True, "looking up 42"),
        LogEntry(logging.INFO, "shop.orders", "shipping order %s", True, "shipping order 42"),
        LogEntry(logging.WARNING, "shop.orders", "late order 42", False, "late order 42"),
    ]
    assert logs.entries() == []  # taken: the next call starts a fresh list
    learner.call("ship", 7).value  # noqa: B018 - the call is what is recorded
    assert [entry.message for entry in logs.entries()] == [
        "looking up 7",
        "shipping order 7",
        "late order 7",
    ]


def test_a_capture_set_up_again_replaces_the_first(start: Start) -> None:
    learner = start(SHIPS)
    capture_logs(learner)
    logs = capture_logs(learner, logging.INFO)
    learner.call("ship", 1).value  # noqa: B018 - the call is what is recorded
    assert [entry.level for entry in logs.entries()] == [logging.INFO, logging.WARNING]


def test_a_recorder_the_learner_tampered_with_fails_the_check(start: Start) -> None:
    learner = start(
        SHIPS
        + "\n\ndef tamper():\n"
        + "    import logging\n"
        + "    for handler in logging.getLogger().handlers:\n"
        + "        handler.taken = lambda: [[20, 'x', 'y', 'not a bool', 'z']]\n"
    )
    logs = capture_logs(learner)
    learner.call("tamper").value  # noqa: B018 - the learner's code changes the recorder
    with pytest.raises(LearnerFailure, match="could not be read back"):
        logs.entries()


def test_ruff_commands_run_over_a_private_project_with_relative_paths() -> None:
    files = {
        "pyproject.toml": '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nextend-select = ["S"]\n',
        "app/orders.py": "import os\n\nassert os\n",
        "tests/test_orders.py": "def test_it():\n    assert 1 + 1 == 2\n",
    }
    run = run_ruff_command(files, "check", "--no-cache", "--output-format", "json", ".")
    assert run.exit_code == 1
    found = {(item["filename"], item["code"]) for item in json.loads(run.stdout)}
    assert found == {("app/orders.py", "S101"), ("tests/test_orders.py", "S101")}
    shown = run_ruff_command(files, "check", "--no-cache", "--show-settings", "app/orders.py")
    assert "linter.line_length = 100" in shown.stdout
    assert "zendo-ruff-" not in shown.stdout  # the private folder's path is cut out

    formatted = run_ruff_command(
        {"orders.py": "x = [1,2]\n"}, "format", "--isolated", "--no-cache", "--diff", "orders.py"
    )
    assert formatted.exit_code == 1
    assert "+x = [1, 2]" in formatted.stdout


@pytest.mark.parametrize(
    "name", ["../escape.py", "/etc/passwd.toml", ".hidden.py", "a/.b.py", "run.sh"]
)
def test_ruff_project_files_must_be_plain_relative_names(name: str) -> None:
    with pytest.raises(ValueError, match="relative path of plain names"):
        run_ruff_command({name: ""}, "check", "--no-cache", ".")


def test_a_helper_is_sent_once_per_loaded_module_and_again_after_a_restart(start: Start) -> None:
    learner = start("def spin():\n    while True:\n        pass\n")
    counting = "import itertools\nSENT = next(itertools.count())\n"
    helper, module = learner.helper("zendo_counting_helper", counting)
    assert learner.helper("zendo_counting_helper", counting) == (helper, module)
    with pytest.raises(LearnerFailure), learner.time_limit(0.2):  # restarts the sandbox
        learner.call("spin")
    again, reloaded = learner.helper("zendo_counting_helper", counting)
    assert reloaded is not module
    assert again is not helper
    assert again.get("SENT").value == 0
