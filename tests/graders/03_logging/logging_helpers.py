"""Judge-side helpers the logging lesson's graders share: reading what a scenario saw.

Everything here runs in the trusted judge. The scenarios (logging_rig.py) run beside the
learner's code and send back text and record snapshots; these helpers check the shapes
of those data (exact types: a learner can put anything into a record) and quote what was
logged when a check fails.
"""

from __future__ import annotations

import json
from typing import Any

from zendo.judge import Observation, expect, fail

SENTINEL_EMAIL = "alice.sentinel@example.com"
OTHER_EMAIL = "bob.sentinel@example.org"
SENTINEL_PASSWORD = "pw-SENTINEL-123"  # noqa: S105 - a marker to search for, not a secret
SENTINEL_TOKEN = "tok_SENTINEL"  # noqa: S105 - a marker to search for, not a secret
SENTINELS = (SENTINEL_EMAIL, OTHER_EMAIL, SENTINEL_PASSWORD, SENTINEL_TOKEN)


def logging_error(printed: str) -> str:
    """The last line of a `--- Logging error ---` report in what was printed, or ''."""
    if "--- Logging error ---" not in printed:
        return ""
    report = printed.rsplit("--- Logging error ---", 1)[1].split("Call stack:", 1)[0]
    lines = [line for line in report.splitlines() if line.strip() and not line[0].isspace()]
    return lines[-1][:200] if lines else "--- Logging error ---"


def outcome(observed: Observation) -> dict[str, Any]:
    """A scenario's result as a dict; a learner exception fails the test with the call named."""
    got = observed.value
    if type(got) is not dict:
        fail("The grader's scenario could not read back what your code logged.")
    return got


def json_lines(text: object, what: str, printed: str = "") -> list[dict[str, Any]]:
    """Each line a handler wrote, parsed as a JSON object (else a fail with `json_lines`)."""
    if type(text) is not str:
        fail(f"{what}: the stream could not be read back.", hint="json_lines")
    parsed: list[dict[str, Any]] = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            fail(f"{what}: this line is not JSON: {line[:120]!r}.", hint="json_lines")
        expect(
            type(entry) is dict,
            f"{what}: the line {line[:120]!r} is JSON but not an object.",
            hint="json_lines",
        )
        parsed.append(entry)
    return parsed


def printed_note(printed: str) -> str:
    """', and logging reported: TypeError: ...' when a handler failed, for messages."""
    error = logging_error(printed)
    return f"; logging reported an error: {error!r}" if error else ""


def seen_records(raw: object) -> list[dict[str, Any]]:
    """The keeper's snapshots, checked for shape."""
    if type(raw) is not list or not all(type(item) is dict for item in raw):
        fail("The grader's handler could not read back the records your code logged.")
    records: list[dict[str, Any]] = raw
    for record in records:
        if type(record.get("extras")) is not dict:
            fail("The grader's handler could not read back the records your code logged.")
    return records


def leaks(*texts: object) -> list[str]:
    """The sentinels that appear in any of the texts (each text as written or as its repr)."""
    everything = "\n".join(text if type(text) is str else repr(text) for text in texts)
    return [sentinel for sentinel in SENTINELS if sentinel in everything]
