"""quality.ruff_clean, the tool checks: `ruff check` finds nothing, `ruff format` agrees.

ruff runs on the trusted side over the exercise cell's text (never where learner code
ran), with an explicit `--select` and `--ignore-noqa`, so a `# noqa` counts for nothing
and no configuration the learner wrote can change the verdict. Each test also takes the
`learner` fixture: a cell that cannot even load is an `error`, as before.
"""

from __future__ import annotations

import re

from quality_helpers import describe_findings, line_of, ruff_rule

from zendo.judge import Learner, Submitted, exercise, fail, run_ruff, run_ruff_command

RUFF_CLEAN_SELECT = ["E", "F", "B", "BLE", "I", "UP", "G", "LOG", "SIM"]
RUFF_CLEAN_COMMAND = f"ruff check --select {','.join(RUFF_CLEAN_SELECT)} --ignore-noqa"
CELL_FILE = "orders.py"


@exercise("quality.ruff_clean", title="`ruff check` finds nothing")
def test_ruff_clean_passes_ruff_check(learner: Learner, submitted: Submitted) -> None:
    cell = submitted.cell_source()
    run = run_ruff({CELL_FILE: cell}, select=RUFF_CLEAN_SELECT)
    findings = sorted(run.in_file(CELL_FILE), key=lambda f: (f.line, f.code))
    if not findings and run.exit_code == 0:
        return
    if not findings:
        fail(
            f"ruff could not check your cell (exit code {run.exit_code}); run the cell to "
            "see that it is valid Python, then check again.",
            hint="ruff_findings",
        )
    count = f"{len(findings)} problem{'s' if len(findings) > 1 else ''}"
    silenced = [f for f in findings if "noqa" in line_of(cell, f.line)]
    if silenced:
        fail(
            f"`{RUFF_CLEAN_COMMAND}` still finds {count}: your `# noqa` comments hide "
            "findings, they do not fix them. " + describe_findings(cell, silenced, ruff_rule) + ".",
            hint="noqa_ignored",
        )
    first = ruff_rule(findings[0])
    fail(
        f"`{RUFF_CLEAN_COMMAND}` finds {count} in your cell: "
        + describe_findings(cell, findings, ruff_rule)
        + ".",
        hint=first.hint,
    )


HUNK = re.compile(r"^@@ -(?P<start>\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


def first_format_change(diff: str) -> str:
    """The first change in a unified diff from `ruff format --diff`, for a learner."""
    old_line = 0
    in_hunk = False
    removed: tuple[int, str] | None = None
    for line in diff.splitlines():
        match = HUNK.match(line)
        if match:
            if in_hunk:
                break
            in_hunk, old_line = True, int(match["start"])
            continue
        if not in_hunk:
            continue
        if line.startswith("-"):
            if removed is not None:
                break
            removed = (old_line, line[1:])
            old_line += 1
        elif line.startswith("+"):
            new = line[1:]
            if removed is not None:
                number, old = removed
                return f"line {number} `{old.strip()}` would become `{new.strip()}`"
            if not new.strip():
                return f"a blank line would be added before line {old_line}"
            return f"`{new.strip()}` would be added before line {old_line}"
        elif removed is not None:
            break
        else:
            old_line += 1
    if removed is not None:
        number, old = removed
        if not old.strip():
            return f"the blank line {number} would be removed"
        return f"line {number} `{old.strip()}` would be removed"
    return "the layout would change"


@exercise("quality.ruff_clean", title="`ruff format --check` is happy")
def test_ruff_clean_is_formatted(learner: Learner, submitted: Submitted) -> None:
    result = run_ruff_command(
        {CELL_FILE: submitted.cell_source()},
        "format",
        "--isolated",
        "--no-cache",
        "--check",
        "--diff",
        CELL_FILE,
    )
    if result.exit_code == 0:
        return
    if result.exit_code != 1:
        fail(
            "`ruff format` could not read your cell; run the cell to see that it is valid "
            "Python, then check again.",
            hint="run_the_formatter",
        )
    fail(
        "`ruff format --check` would reformat your cell: "
        + first_format_change(result.stdout)
        + ". Format the code with `ruff format` rather than by hand.",
        hint="run_the_formatter",
    )
