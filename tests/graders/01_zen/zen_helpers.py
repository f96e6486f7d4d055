"""Helpers the Zen lesson's v2 graders share: ruff findings explained, and the KISS check.

Simplicity is graded with measurable proxies: real ruff (complexity, nesting, swallowed
errors) and a small statement budget read from the cell's syntax tree. Both read the
learner's source as text, here in the trusted judge process: ruff runs through
`zendo.judge.run_ruff` in a private folder, and the syntax tree is only parsed, never run.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

from zendo.judge import Finding, Submitted, expect, fail, run_ruff

# What each ruff rule the graders select means, in one line for a learner.
RULE_MEANINGS = {
    "C901": "too many paths through one function (cyclomatic complexity)",
    "PLR0911": "too many return statements in one function",
    "PLR0912": "too many branches in one function",
    "PLR1702": "blocks nested too deep (an if in a for in an if ...)",
    "SIM102": "an `if` directly inside another `if` can be a single `if ... and ...`",
    "SIM103": "`if condition: return True` then `return False` is just `return condition`",
    "BLE001": "`except Exception` catches every error, your own bugs included",
    "S110": "`try`-`except`-`pass` throws an error away without a trace",
    "E722": "a bare `except:` catches everything, even Ctrl+C",
    "TRY203": "an `except` that only re-raises adds nothing: remove the `try`",
}

# One ruff run per source and rule set: two tests of one exercise share a run.
ruff_runs: dict[tuple[str, str], list[Finding]] = {}


def ruff_findings(
    submitted: Submitted, select: Sequence[str], extra_args: Sequence[str] = ()
) -> list[Finding]:
    """Real ruff on the learner's source text, findings sorted by line."""
    key = (submitted.source, ",".join([*select, *extra_args]))
    if key not in ruff_runs:
        run = run_ruff({submitted.filename: submitted.source}, select=select, extra_args=extra_args)
        if run.exit_code not in (0, 1):  # 2: ruff itself failed; that is the course's fault
            raise RuntimeError(f"internal: ruff could not run: {run.output[:500]}")
        found = run.in_file(submitted.filename)
        ruff_runs[key] = sorted(found, key=lambda finding: (finding.line, finding.code))
    return ruff_runs[key]


def explain(finding: Finding, submitted: Submitted) -> str:
    """One finding for a learner: where, the rule code, what it means, and the line."""
    lines = submitted.source.splitlines()
    code_line = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
    meaning = RULE_MEANINGS.get(finding.code, finding.message)
    return (
        f"on {submitted.where(finding.line)} (`{code_line}`): {finding.code}, {meaning}. "
        f"Ruff says: {finding.message}"
    )


def report_findings(findings: Sequence[Finding], submitted: Submitted, *, hint: str) -> None:
    """Fail with the first finding explained, and how many more there are."""
    if not findings:
        return
    more = len(findings) - 1
    fail(
        f"ruff finds {len(findings)} problem{'s' if len(findings) > 1 else ''} in your code. "
        f"First, {explain(findings[0], submitted)}."
        + (f" ({more} more after this one.)" if more else ""),
        hint=hint,
    )


def statements_in_functions(tree: ast.Module) -> int:
    """Statements inside every function of the cell, not counting docstrings."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            for statement in body:
                count += sum(1 for inner in ast.walk(statement) if isinstance(inner, ast.stmt))
    return count


KISS_RULES = ["C901", "PLR0911", "PLR0912", "PLR1702", "SIM102", "SIM103"]
KISS_ARGS = ["--preview", "--config", "lint.mccabe.max-complexity=3"]
STATEMENT_BUDGET = 8


def check_kiss(submitted: Submitted, name: str) -> None:
    """Simplicity, measured: ruff's complexity rules, then a statement budget, no classes."""
    findings = ruff_findings(submitted, KISS_RULES, KISS_ARGS)
    needless_bool = [f for f in findings if f.code == "SIM103"]
    complex_ = [f for f in findings if f.code != "SIM103"]
    report_findings(complex_, submitted, hint="kiss_complexity")
    report_findings(needless_bool, submitted, hint="return_condition")
    tree = ast.parse(submitted.cell_source())
    classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    expect(
        not classes,
        f"Your cell defines the class {classes[0] if classes else ''}; {name} needs no class. "
        "A function with a few lines says the same thing with fewer moving parts.",
        hint="kiss_budget",
    )
    count = statements_in_functions(tree)
    expect(
        count <= STATEMENT_BUDGET,
        f"The functions in your cell have {count} statements in all; the budget for "
        f"{name} is {STATEMENT_BUDGET}. A simpler shape exists.",
        hint="kiss_budget",
    )
