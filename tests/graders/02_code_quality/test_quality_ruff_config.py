"""quality.ruff_config: a ruff configuration that keeps the defaults.

The learner's cell only sets RUFF_CONFIG, a string; it comes back from the sandbox as
exact data (a `str` subclass would arrive as a handle and is refused). On the trusted
side that text becomes the `pyproject.toml` of a small canary project, in a private
folder, and the pinned ruff reports its settings and its findings: ruff reads the
configuration as a file, nothing of it is run. ruff's own rule sets, for comparison,
come from the same ruff with no configuration.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from quality_helpers import MAX_LISTED

from zendo.judge import Learner, exercise, expect, fail, run_ruff_command, show

CANARY_APP = '''\
"""A canary: every line that a rule of the task must flag, and nothing else."""

import logging
import os

logger = logging.getLogger(__name__)


def find_order(cursor, order_id):
    # TODO(ana): page through large results
    logger.info(f"looking up order {order_id}")
    assert order_id, "an order id is required"
    query = f"SELECT id, total FROM orders WHERE id = '{order_id}'"
    return cursor.execute(query).fetchone()
'''

CANARY_TESTS = '''\
"""A canary test: assert is how tests check things."""


def test_addition():
    # TODO(ana): test the real queries
    # https://tracker.example.com/SHOP-12
    assert 1 + 1 == 2
'''

# The canary project. The same module sits in three places, so that an ignore wider than
# the task's (other codes, or files outside tests/) shows up as a code that goes missing.
CANARY_FILES = {
    "app/orders.py": CANARY_APP,
    "app/test_orders.py": CANARY_APP,  # named like a test, but outside tests/: no exemption
    "tests/helpers.py": CANARY_APP,  # under tests/: only S101 is allowed
    "tests/test_orders.py": CANARY_TESTS,
}
APP_CODES = {"F401", "TD003", "G004", "S101", "S608"}
CANARY_EXPECTED = {
    *(("app/orders.py", code) for code in APP_CODES),
    *(("app/test_orders.py", code) for code in APP_CODES),
    *(("tests/helpers.py", code) for code in APP_CODES - {"S101"}),
}
# The files that only a per-file ignore of the wrong width can get wrong.
IGNORE_PROBES = {"app/test_orders.py", "tests/helpers.py"}
WANTED_SELECT = "S,G004,TD"
RULE_LINE = re.compile(r"^\s*(?P<name>[a-z0-9-]+) \((?P<code>[A-Z]+[0-9]+)\),?$")


def enabled_rules(settings: str) -> dict[str, str]:
    """The rules `ruff check --show-settings` lists as enabled: code -> rule name."""
    rules: dict[str, str] = {}
    inside = False
    for line in settings.splitlines():
        if line.startswith("linter.rules.enabled = ["):
            inside = True
        elif inside and line.strip() == "]":
            break
        elif inside and (match := RULE_LINE.match(line)):
            rules[match["code"]] = match["name"]
    return rules


def setting(settings: str, name: str) -> str | None:
    for line in settings.splitlines():
        if line.startswith(f"{name} = "):
            return line.split(" = ", 1)[1].strip()
    return None


reference_rules: dict[str, dict[str, str]] = {}


def rules_without_config(select: str | None) -> dict[str, str]:
    """Ruff's own rule sets, asked from the pinned ruff: its defaults, or a selection."""
    key = select or "default"
    if key not in reference_rules:
        extra = ["--select", select] if select else []
        result = run_ruff_command(
            {"probe.py": ""}, "check", "--isolated", "--no-cache", *extra, "--show-settings",
            "probe.py",
        )  # fmt: skip
        reference_rules[key] = enabled_rules(result.stdout)
    return reference_rules[key]


@dataclass(frozen=True)
class ConfiguredProject:
    """The canary project configured by the learner's RUFF_CONFIG, and what ruff said."""

    lint: dict[str, Any]
    settings: str
    findings: set[tuple[str, str]]


@dataclass(frozen=True)
class Refusal:
    """Why RUFF_CONFIG is not a configuration ruff accepts, and the hint that goes with it."""

    message: str
    hint: str


projects: dict[str, ConfiguredProject | Refusal] = {}  # by configuration text


def configured_project(learner: Learner) -> ConfiguredProject:
    """The canary project with the learner's RUFF_CONFIG as its pyproject.toml.

    Fails (with the same message in every test of the exercise) when the value is not a
    ruff configuration that ruff accepts without a warning.
    """
    read = learner.get("RUFF_CONFIG")
    config = read.returned if read.ok else None
    if type(config) is not str:
        fail(
            f"Your cell sets RUFF_CONFIG to {show(config)}; it must be the text of your ruff "
            "configuration, a string in TOML.",
            hint="toml_syntax",
        )
    if config not in projects:
        projects[config] = build_project(config)
    project = projects[config]
    if isinstance(project, Refusal):
        fail(project.message, hint=project.hint)
    return project


def build_project(config: str) -> ConfiguredProject | Refusal:
    try:
        data = tomllib.loads(config)
    except tomllib.TOMLDecodeError as error:
        return Refusal(f"RUFF_CONFIG is not valid TOML: {error}.", hint="toml_syntax")
    tool = data.get("tool")
    ruff_table = tool.get("ruff") if isinstance(tool, dict) else None
    if not isinstance(ruff_table, dict):
        return Refusal(
            "RUFF_CONFIG has no [tool.ruff] table, so ruff would not read it.", hint="toml_syntax"
        )
    if "extend" in ruff_table:
        # `extend` makes ruff read another file of the grading machine: never needed here.
        return Refusal(
            "RUFF_CONFIG uses `extend`, which makes ruff read another configuration file; "
            "the task's configuration stands alone in one pyproject.toml.",
            hint="config_error",
        )
    files = {"pyproject.toml": config, **CANARY_FILES}
    # Not --isolated: the point is to see what ruff makes of the learner's file.
    shown = run_ruff_command(files, "check", "--no-cache", "--show-settings", "app/orders.py")
    if shown.exit_code != 0:
        return Refusal(
            "ruff refused your configuration: " + ruff_cause(shown.stderr) + ".",
            hint="config_error",
        )
    if "deprecated" in shown.stderr:
        return Refusal(
            "ruff reads your configuration but warns that it is deprecated: "
            + first_warning(shown.stderr)
            + ".",
            hint="lint_section",
        )
    checked = run_ruff_command(
        files, "check", "--no-cache", "--no-fix", "--output-format", "json", "."
    )
    try:
        raw = json.loads(checked.stdout or "[]")
    except json.JSONDecodeError:
        return Refusal(
            "ruff could not lint the canary project with your configuration: "
            + ruff_cause(checked.stderr)
            + ".",
            hint="config_error",
        )
    findings = {
        (PurePosixPath(str(item["filename"])).as_posix(), str(item["code"]))
        for item in raw
        if isinstance(item, dict) and item.get("code")
    }
    lint = ruff_table.get("lint")
    return ConfiguredProject(
        lint=lint if isinstance(lint, dict) else {},
        settings=shown.stdout,
        findings=findings,
    )


def ruff_cause(stderr: str) -> str:
    """The part of ruff's error that names the problem, without paths or TOML excerpts."""
    for line in stderr.splitlines():
        text = line.strip()
        if text.startswith(("unknown field", "unknown variant", "invalid type", "expected")):
            return text.split(", expected one of")[0]
    causes = [
        line.split("Cause:", 1)[1].strip() for line in stderr.splitlines() if "Cause:" in line
    ]
    return causes[-1] if causes else "it exited with an error"


def first_warning(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    options = [line.lstrip("- ") for line in lines if line.startswith("- ")]
    text = lines[0].removeprefix("warning: ").split(". Please")[0] if lines else "a warning"
    return text + (f" ({'; '.join(options)})" if options else "")


def named(codes: Iterable[str], names: dict[str, str]) -> str:
    listed = sorted(codes)
    shown = ", ".join(f"{code} ({names.get(code, '?')})" for code in listed[:MAX_LISTED])
    more = len(listed) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


@exercise("quality.ruff_config", title="Keeps ruff's default rules")
def test_ruff_config_keeps_the_default_rules(learner: Learner) -> None:
    project = configured_project(learner)
    defaults = rules_without_config(None)
    missing = set(defaults) - set(enabled_rules(project.settings))
    if not missing:
        return
    favourite = [code for code in ("F401", "E722", "B006") if code in missing]
    example = named(favourite[:1] or missing, defaults)
    message = (
        f"{len(missing)} of ruff's {len(defaults)} default rules are switched off in your "
        f"configuration, {example} among them."
    )
    if "select" in project.lint:
        fail(message + " `select` replaced the default set.", hint="select_replaces")
    fail(message + " The task keeps every default rule.", hint="keep_defaults")


@exercise("quality.ruff_config", title="Adds exactly the requested rules")
def test_ruff_config_adds_the_requested_rules(learner: Learner) -> None:
    project = configured_project(learner)
    wanted = rules_without_config(WANTED_SELECT)
    enabled = enabled_rules(project.settings)
    missing = set(wanted) - set(enabled)
    if missing == {"S101"}:
        fail(
            "S101 (assert) is switched off for app/orders.py too; the task allows `assert` "
            "in tests/ only.",
            hint="assert_in_tests",
        )
    expect(
        not missing,
        f"{len(missing)} of the rules the task adds are not enabled: {named(missing, wanted)}.",
        hint="missing_rules",
    )
    # "Add nothing else": a whole family where the task names one rule (G for G004), or a
    # family it never names (N, PERF), switches on rules nobody asked for.
    extra = set(enabled) - set(rules_without_config(None)) - set(wanted)
    expect(
        not extra,
        f"Your configuration also switches on {len(extra)} rule{'s' if len(extra) > 1 else ''} "
        f"the task does not ask for: {named(extra, enabled)}. Add nothing else: the default "
        "set, S, G004 and TD.",
        hint="extra_rules",
    )


@exercise("quality.ruff_config", title="Sets the Python version and line length")
def test_ruff_config_sets_version_and_line_length(learner: Learner) -> None:
    project = configured_project(learner)
    for name, expected, label in [
        ("linter.unresolved_target_version", "3.11", "the linter's target Python version"),
        ("linter.line_length", "100", "the linter's line length"),
        ("formatter.line_width", "100", "the formatter's line length"),
    ]:
        got = setting(project.settings, name)
        shown = "not set" if got in (None, "none") else got
        expect(
            got == expected,
            f"With your configuration, {label} is {shown}; expected {expected}.",
            hint="target_and_length",
        )


@exercise("quality.ruff_config", title="Finds the expected problems in a sample project")
def test_ruff_config_on_the_canary_project(learner: Learner) -> None:
    project = configured_project(learner)
    found = project.findings
    wrong = (CANARY_EXPECTED - found) | (found - CANARY_EXPECTED)
    if wrong and {path for path, _ in wrong} <= IGNORE_PROBES:
        fail(
            "On the canary project, your per-file ignores do not cover what the task allows: "
            + "; ".join(differences(found, IGNORE_PROBES))
            + ". Ignore S101 and no other code, for every file under tests/ and no file "
            "outside it.",
            hint="narrow_ignore",
        )
    if wrong and {code for _, code in wrong} == {"S101"}:
        where = (
            "reports S101 for the assert in tests/test_orders.py"
            if ("tests/test_orders.py", "S101") in found
            else "does not report S101 for the assert in app/orders.py"
        )
        fail(
            f"On the canary project, your configuration {where}; `assert` is fine in tests "
            "and an error everywhere else.",
            hint="assert_in_tests",
        )
    expect(
        not wrong,
        "On the canary project, your configuration "
        + "; ".join(differences(found, set(CANARY_FILES)))
        + f". Expected exactly {', '.join(sorted(APP_CODES))} in app/orders.py and "
        "app/test_orders.py, the same but S101 in tests/helpers.py, and nothing in "
        "tests/test_orders.py.",
        hint="canary_codes",
    )


def differences(found: set[tuple[str, str]], paths: set[str]) -> list[str]:
    """What ruff reported in `paths` against what the task expects, file by file."""
    parts = []
    for path in sorted(paths):
        missing = sorted(code for p, code in CANARY_EXPECTED - found if p == path)
        extra = sorted(code for p, code in found - CANARY_EXPECTED if p == path)
        if missing:
            parts.append(f"misses {', '.join(missing)} in {path}")
        if extra:
            parts.append(f"also reports {', '.join(extra)} in {path}")
    return parts
