"""Every attack payload of the security graders fails against the reference solution and
succeeds against at least one known wrong answer (issue 13).

The payloads are imported from the module the graders take them from
(tests/graders/04_security/security_payloads.py), so a payload added there without a
proof here is still proven: the cases below are built from those very lists. Each cell runs in a real
Grading v2 sandbox (bubblewrap); the SQLite file and the folders the payloads would write
to are the sandbox's shared folder, read here directly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import REPO
from zendo._notebook import read_cells
from zendo.judge.client import Handle, Learner
from zendo.judge.sandbox import Sandbox

GRADERS = REPO / "tests" / "graders" / "04_security"
WRONG = REPO / "tests" / "graders" / "wrong"
sys.path.insert(0, str(GRADERS))
import security_payloads as payloads  # noqa: E402

CELLS = read_cells(REPO / "solutions" / "04_security.ipynb")
SETUP = next(cell.source for cell in CELLS if cell.source.startswith("# setup"))
REFERENCE = {cell.exercise_id: cell.source for cell in CELLS if cell.exercise_id}


def cell_of(exercise_id: str, wrong: str | None) -> str:
    if wrong is None:
        return REFERENCE[exercise_id]
    return (WRONG / exercise_id / f"{wrong}.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def learners() -> Iterator[Callable[[str, str | None], Learner]]:
    started: dict[tuple[str, str | None], Learner] = {}

    def learner(exercise_id: str, wrong: str | None) -> Learner:
        key = (exercise_id, wrong)
        if key not in started:
            source = f"{SETUP}\n\n\n{cell_of(exercise_id, wrong)}\n"
            started[key] = Learner(Sandbox(module="submission", source=source), budget_seconds=60)
            started[key].start()
        return started[key]

    yield learner
    for each in started.values():
        each.close()


def clear_shared(learner: Learner) -> None:
    for path in learner.sandbox.shared.iterdir():
        path.unlink()


# What a payload achieves, observed in the sandbox and judged here: True = it worked.
def find_user_injected(learner: Learner, payload: str) -> bool:
    clear_shared(learner)
    conn = payloads.connection(payloads.fresh_database(learner))
    observed = learner.call("find_user", conn, payload)
    # A user found, or an SQL error: either way the payload became part of the SQL text.
    return observed.returned is not None or (
        observed.raised is not None and observed.raised.is_a("sqlite3.Error")
    )


def search_injected(learner: Learner, payload: str) -> bool:
    clear_shared(learner)
    conn = payloads.connection(payloads.fresh_database(learner))
    observed = learner.call("search_users", conn, payload)
    if observed.raised is not None:
        return observed.raised.is_a("sqlite3.Error")
    listed = observed.returned
    if isinstance(listed, Handle):
        listed = learner.op("list", listed).returned
    emails = []
    for user in listed if isinstance(listed, list) else []:
        emails.append(user.get("email").returned if isinstance(user, Handle) else None)
    literal = [row[1] for row in payloads.USERS if row[1].startswith(payload)]
    return sorted(emails, key=str) != sorted(literal)


def order_by_accepted(learner: Learner, payload: str) -> bool:
    clear_shared(learner)
    conn = payloads.connection(payloads.fresh_database(learner))
    observed = learner.call("search_users", conn, "a", order_by=payload)
    return not (observed.raised is not None and observed.raised.is_a(ValueError))


def yaml_ran(learner: Learner, payload: str) -> bool:
    clear_shared(learner)
    text = payload.replace("MARKER_PATH", learner.inside(payloads.MARKER))
    observed = learner.call("load_config", text)
    built = observed.raised is None  # a Python object came back instead of an error
    return (
        built
        or "SENTINEL-YAML" in observed.printed
        or os.path.lexists(learner.sandbox.shared / payloads.MARKER)
    )


def shell_ran(learner: Learner, payload: str) -> bool:
    clear_shared(learner)
    payloads.in_shared(learner)
    kind, text = payload.split(":", 1)
    if kind == "pattern":
        path = payloads.shared_path(learner, "plain.txt", "x marks the spot\n")
        learner.call("grep_file", text, path)
    else:
        learner.call("grep_file", "x", payloads.shared_path(learner, text, "x\n"))
    return any(
        payloads.SHELL_MARKS.fullmatch(path.name) for path in learner.sandbox.shared.iterdir()
    )


@dataclass(frozen=True)
class Payload:
    exercise_id: str
    text: str
    worked: Callable[[Learner, str], bool]
    wrong: str  # a known wrong answer it succeeds against


Q, D = "security.queries", "security.dangerous_apis"
PAYLOADS = [
    *(Payload(Q, text, find_user_injected, "fstring_find") for text in payloads.FIND_PAYLOADS),
    *(Payload(Q, text, search_injected, "fstring_search") for text in payloads.SEARCH_PAYLOADS),
    Payload(Q, "o'b", search_injected, "fstring_search"),
    Payload(Q, "a_b", search_injected, "unescaped_like"),
    Payload(Q, "50%", search_injected, "unescaped_like"),
    Payload(Q, "c\\d", search_injected, "escape_char_not_escaped"),
    *(Payload(Q, text, order_by_accepted, "order_by_placeholder") for text in payloads.BAD_ORDERS),
    *(Payload(D, text, yaml_ran, "unsafe_loader") for text in payloads.YAML_PAYLOADS),
    *(Payload(D, f"pattern:{text}", shell_ran, "shell_true") for text in payloads.SHELL_PATTERNS),
    *(Payload(D, f"file:{text}", shell_ran, "shell_true") for text in payloads.SHELL_FILE_NAMES),
]


@pytest.mark.slow
@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"{p.wrong}:{p.text}" for p in PAYLOADS])
def test_payload_fails_on_the_reference_and_works_on_a_wrong_answer(
    payload: Payload, learners: Callable[[str, str | None], Learner]
) -> None:
    assert not payload.worked(learners(payload.exercise_id, None), payload.text), (
        f"{payload.text!r} worked against the reference of {payload.exercise_id}"
    )
    assert payload.worked(learners(payload.exercise_id, payload.wrong), payload.text), (
        f"{payload.text!r} did nothing against the wrong answer {payload.wrong}"
    )
