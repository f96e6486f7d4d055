"""mypy checks shared by quality.types and quality.pydantic_model: the learner's cell, and
client code with expected errors.

mypy runs on the trusted side (`zendo.judge.run_mypy`: `--strict`,
`--warn-unused-ignores`, a private folder) over the exercise cell's text, saved as the
module the client imports, and a client file written by the grader. It runs once per
exercise and cell (about 0.3 s from the judge's seed cache, pydantic included); both
mypy tests of an exercise read that run.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from quality_helpers import line_of, short

from zendo.judge import Finding, Submitted, ToolRun, fail, run_mypy


@dataclass(frozen=True)
class ClientLine:
    """A line of code written by a colleague against the learner's module.

    `ignore` empty: the line must type-check. Otherwise mypy must report exactly that
    error code on it; the `# type: ignore[code]` comment it carries, under
    --warn-unused-ignores, turns a missing error into an `[unused-ignore]` finding.
    """

    code: str
    hint: str
    ignore: str = ""
    why: str = ""

    @property
    def source(self) -> str:
        return f"{self.code}  # type: ignore[{self.ignore}]" if self.ignore else self.code


@dataclass(frozen=True)
class MypyRule:
    """How to explain a mypy finding on the learner's own file: matched by code or words."""

    hint: str
    codes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def matches(self, finding: Finding) -> bool:
        return finding.code in self.codes or any(word in finding.message for word in self.words)


@dataclass
class MypyCheck:
    """One exercise's mypy set-up: the learner module, the client, and how to explain."""

    module: str
    client_header: str
    client: list[ClientLine]
    rules: list[MypyRule]
    first_codes: tuple[str, ...] = ()
    # Flags beyond --strict, as a `# mypy:` comment appended to both files: per-module
    # options keep the judge's seed cache valid (a command-line flag would make mypy
    # re-check the standard library and pydantic, about a second), and a line added at
    # the end moves no line number of the learner's cell.
    inline_flags: str = ""
    runs: dict[str, ToolRun] = field(default_factory=dict)  # by cell text

    @property
    def filename(self) -> str:
        return f"{self.module}.py"

    def client_source(self) -> str:
        return self.client_header + "".join(line.source + "\n" for line in self.client)

    def run(self, cell: str) -> ToolRun:
        """mypy over the learner's cell and the client, once per cell text."""
        if cell not in self.runs:
            flags = f"# mypy: {self.inline_flags}\n" if self.inline_flags else ""
            files = {self.filename: cell + flags, "client.py": self.client_source() + flags}
            self.runs[cell] = run_mypy(files)
        return self.runs[cell]


def checked(check: MypyCheck, submitted: Submitted) -> tuple[str, ToolRun]:
    """The cell's text and mypy's run over it; a run that crashed fails, never passes."""
    cell = submitted.cell_source()
    run = check.run(cell)
    if run.crashed:
        fail(
            f"mypy could not check your cell (exit code {run.exit_code}); run the cell to "
            "see that it is valid Python, then check again.",
            hint="mypy_strict",
        )
    return cell, run


SILENCING = re.compile(r"#\s*(type:\s*ignore|mypy:)", re.IGNORECASE)


def silencing_comments(cell: str) -> list[tuple[int, str]]:
    """(line, comment) of each comment that switches mypy off for part of the cell."""
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(cell).readline):
            if token.type == tokenize.COMMENT and SILENCING.search(token.string):
                found.append((token.start[0], token.string.strip()))
    except (tokenize.TokenError, SyntaxError):  # mypy's own run reports broken code
        return found
    return found


def check_learner_file(check: MypyCheck, submitted: Submitted, flags: str) -> None:
    """Fail on a comment that silences mypy, else on its first finding in the cell."""
    cell, run = checked(check, submitted)
    for line, comment in silencing_comments(cell)[:1]:
        fail(
            f"Line {line} of your cell silences mypy (`{comment}`): the task is to make the "
            "types right, so that mypy accepts the cell as it stands. Remove the comment and "
            "fix what mypy then reports.",
            hint="no_silencing",
        )
    findings = run.in_file(check.filename)
    if not findings:
        return
    urgent = [f for f in findings if f.code in check.first_codes]
    first = (urgent or findings)[0]
    rule = next((r for r in check.rules if r.matches(first)), None)
    more = len(findings) - 1
    fail(
        f"`mypy {flags}` rejects your cell: line {first.line} (`{line_of(cell, first.line)}`): "
        f"{short(first.message)} [{first.code}]" + (f" (and {more} more)" if more else "") + ".",
        hint=rule.hint if rule else "mypy_strict",
    )


def check_client_file(check: MypyCheck, submitted: Submitted, what: str) -> None:
    """Fail when the client's good lines are rejected or its bad lines are accepted."""
    _, run = checked(check, submitted)
    findings = run.in_file("client.py")
    header_lines = check.client_header.count("\n")
    by_line = {header_lines + index + 1: line for index, line in enumerate(check.client)}
    for finding in findings:  # first: a mistake mypy should have caught and did not
        line = by_line.get(finding.line)
        if line and line.ignore and finding.code == "unused-ignore":
            fail(
                f"In code that uses {what}, `{line.code}` {line.why}, but mypy accepted it. "
                "Check the annotations it depends on.",
                hint=line.hint,
            )
    for finding in findings:
        line = by_line.get(finding.line)
        if line and not line.ignore:
            fail(
                f"In code that uses {what} as the task describes, mypy rejects "
                f"`{line.code}`: {short(finding.message)} [{finding.code}].",
                hint=line.hint,
            )
    for finding in findings:
        line = by_line.get(finding.line)
        shown = line.code if line else "an import of your cell"
        fail(
            f"In code that uses {what}, mypy reports `{shown}`: {short(finding.message)} "
            f"[{finding.code}].",
            hint=line.hint if line else "mypy_strict",
        )
