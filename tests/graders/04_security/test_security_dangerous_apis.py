"""v2 graders of security.dangerous_apis: safe YAML, grep without a shell, an audit gate.

Payloads that would run code aim at the sandbox's shared folder, which the judge reads
directly afterwards: a YAML tag that would `touch` a marker file there, grep patterns and
file names that a shell would turn into `touch` commands (the sandbox's working folder is
set to the shared folder first, so a relative `touch` lands there too). What a call
printed comes back with its observation. The `pip-audit` reports are recorded: pip-audit
2.10.1's JSON shape, one written offline (nothing audited), one with made-up ids; graders
have no network. ruff runs here, on the cell's text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from security_helpers import ruff_findings
from security_payloads import (
    MARKER,
    SHELL_FILE_NAMES,
    SHELL_MARKS,
    SHELL_PATTERNS,
    YAML_PAYLOADS,
    in_shared,
    shared_path,
)

from zendo.judge import Handle, Learner, Observation, Submitted, exercise, expect, fail, show

OFFLINE_REPORT = {
    "dependencies": [
        {
            "name": "pyyaml",
            "skip_reason": "Dependency not found on PyPI and could not be audited: pyyaml (5.3)",
        },
        {
            "name": "requests",
            "skip_reason": (
                "Dependency not found on PyPI and could not be audited: requests (2.19.0)"
            ),
        },
    ],
    "fixes": [],
}
FINDINGS_REPORT = {
    "dependencies": [
        {
            "name": "pyyaml",
            "version": "5.3",
            "vulns": [
                {"id": "PYSEC-0000-0001", "fix_versions": ["5.4"], "aliases": ["CVE-0000-0001"]},
                {"id": "GHSA-0000-0000-0002", "fix_versions": ["5.4"], "aliases": []},
            ],
        },
        {"name": "requests", "skip_reason": "Dependency not found on PyPI ..."},
        {"name": "click", "version": "8.3.1", "vulns": []},
        {
            "name": "jinja2",
            "version": "2.10",
            "vulns": [
                {"id": "PYSEC-0000-0003", "fix_versions": ["2.10.1"], "aliases": ["CVE-0000-0003"]},
            ],
        },
    ],
    "fixes": [],
}
ALL_FINDINGS = [
    "pyyaml 5.3: PYSEC-0000-0001",
    "pyyaml 5.3: GHSA-0000-0000-0002",
    "requests: not audited",
    "jinja2 2.10: PYSEC-0000-0003",
]
DANGEROUS = ["S102", "S301", "S307", "S506", "S602", "S604", "S605", "S606", "S324"]
NOTES = "abc\na.c\n-v flag\ntotal 19.99\nlast line\n"


def exists(learner: Learner, name: str) -> bool:
    return os.path.lexists(learner.sandbox.shared / name)


def grep(learner: Learner, pattern: str, path: Handle, name: str) -> Observation:
    return learner.call("grep_file", pattern, path)


def gate(learner: Learner, report: Mapping[str, object], allow: set[str]) -> object:
    return learner.call("audit_gate", report, allow).value


@exercise("security.dangerous_apis", title="Plain YAML loads as data")
def test_yaml_plain_data(learner: Learner) -> None:
    text = "amount: '19.99'\ncurrency: EUR\nlimits: [1, 2]"
    got = learner.call("load_config", text).value
    wanted = {"amount": "19.99", "currency": "EUR", "limits": [1, 2]}
    expect(
        type(got) is dict and got == wanted,
        f"load_config({text!r}) returned {show(got)}; expected {wanted!r}.",
        hint="safe_load",
    )
    for text in ("- a\n- b", "just text", ""):
        observed = learner.call("load_config", text)
        expect(
            observed.raised is not None and observed.raised.is_a(ValueError),
            f"load_config({text!r}) {observed.describe()}; expected ValueError: the top level "
            "is not a mapping.",
            hint="mapping_only",
        )


@exercise("security.dangerous_apis", title="YAML tags cannot run code")
def test_yaml_payload_does_not_run(learner: Learner) -> None:
    learner.call("load_config", "a: 1").value  # noqa: B018 - only working code earns this check
    for template in YAML_PAYLOADS:
        payload = template.replace("MARKER_PATH", learner.inside(MARKER))
        observed = learner.call("load_config", payload)
        expect(
            "SENTINEL-YAML" not in observed.printed and not exists(learner, MARKER),
            f"load_config({payload!r}) ran the code in the tag.",
            hint="safe_load",
        )
        raised = observed.raised
        expect(
            raised is not None and raised.is_a("YAMLError", ValueError),
            f"load_config({payload!r}) {observed.describe()}; expected yaml.YAMLError or "
            "ValueError.",
            hint="safe_load",
        )


@exercise("security.dangerous_apis", title="grep matches plain text")
def test_grep_literal(learner: Learner) -> None:
    path = shared_path(learner, "notes.txt", NOTES)
    for pattern, wanted in [
        ("a.c", ["a.c"]),
        ("-v", ["-v flag"]),
        ("19.99", ["total 19.99"]),
        ("zzz", []),
        ("line", ["last line"]),
    ]:
        got = grep(learner, pattern, path, "notes.txt").value
        expect(
            type(got) is list and got == wanted,
            f"grep_file({pattern!r}, notes) returned {show(got)}; expected {wanted!r} (the "
            f"file's lines are {NOTES.splitlines()!r}).",
            hint="fixed_string",
        )
    observed = grep(learner, "x", shared_path(learner, "missing.txt"), "missing.txt")
    expect(
        observed.raised is not None and observed.raised.is_a(FileNotFoundError),
        f"grep_file('x', a missing file) {observed.describe()}; expected FileNotFoundError.",
        hint="fixed_string",
    )


@exercise("security.dangerous_apis", title="No shell runs")
def test_grep_payload_does_not_run(learner: Learner) -> None:
    in_shared(learner)
    plain = shared_path(learner, "plain.txt", "x marks the spot\n")
    got = grep(learner, "x", plain, "plain.txt").value
    expect(
        got == ["x marks the spot"],
        f"grep_file('x', plain) returned {show(got)}.",
        hint="fixed_string",
    )
    for pattern in SHELL_PATTERNS:
        grep(learner, pattern, plain, "plain.txt")
    for name in SHELL_FILE_NAMES:
        grep(learner, "x", shared_path(learner, name, "x\n"), name)
    created = sorted(
        p.name for p in learner.sandbox.shared.iterdir() if SHELL_MARKS.fullmatch(p.name)
    )
    if created:
        fail(
            f"a shell ran: the patterns and file names created {', '.join(created)}. Pass an "
            "argument list without shell=True, or read the file in Python.",
            hint="no_shell",
        )


@exercise("security.dangerous_apis", title="Unaudited packages stop the build")
def test_gate_fails_on_unaudited(learner: Learner) -> None:
    got = gate(learner, OFFLINE_REPORT, set())
    wanted = ["pyyaml: not audited", "requests: not audited"]
    expect(
        got == wanted,
        f"for a report in which nothing was audited (pip-audit offline), audit_gate returned "
        f"{show(got)}; expected {wanted!r}.",
        hint="strict_audit",
    )


@exercise("security.dangerous_apis", title="Each open vulnerability is listed")
def test_gate_lists_unaccepted_vulnerabilities(learner: Learner) -> None:
    got = gate(learner, FINDINGS_REPORT, set())
    expect(
        got == ALL_FINDINGS,
        f"audit_gate(report, set()) returned {show(got)}; expected {ALL_FINDINGS!r}.",
        hint="gate_format",
    )
    clean = {"dependencies": [{"name": "click", "version": "8.3.1", "vulns": []}], "fixes": []}
    got = gate(learner, clean, set())
    expect(
        got == [],
        f"for a clean report audit_gate returned {show(got)}; expected [].",
        hint="gate_format",
    )


@exercise("security.dangerous_apis", title="Accepted ids and their aliases pass")
def test_gate_allowlist(learner: Learner) -> None:
    for allow, wanted in [
        (
            {"PYSEC-0000-0001", "GHSA-0000-0000-0002"},
            ["requests: not audited", "jinja2 2.10: PYSEC-0000-0003"],
        ),
        (
            {"CVE-0000-0001", "CVE-0000-0003"},
            ["pyyaml 5.3: GHSA-0000-0000-0002", "requests: not audited"],
        ),
        ({"UNRELATED-1"}, ALL_FINDINGS),
    ]:
        got = gate(learner, FINDINGS_REPORT, allow)
        expect(
            got == wanted,
            f"with allow={sorted(allow)}, audit_gate returned {show(got)}; expected {wanted!r}.",
            hint="allow_aliases",
        )


@exercise("security.dangerous_apis", title="No code-running calls in the cell")
def test_no_dangerous_calls(learner: Learner, submitted: Submitted) -> None:
    learner.call("load_config", "a: 1").value  # noqa: B018 - only working code earns this check
    grep(learner, "x", shared_path(learner, "plain.txt", "x\n"), "plain.txt").value  # noqa: B018
    gate(learner, OFFLINE_REPORT, set())
    ruff_findings(
        submitted,
        DANGEROUS,
        hint="dangerous_call",
        why="Use the safe replacement the lesson shows.",
    )
