"""`zendo update`: bring a learner's git clone of the course up to date, keeping every answer.

The rules, in the spirit of nbgitpuller:

- A file the learner changed and the course did not change is left exactly as it is.
- A file the course changed and the learner did not is simply updated.
- A file both changed is backed up, set back to the learner's last commit, and moved
  forward with the course's history (`git merge --ff-only`: never a merge commit in
  the learner's history). Then, in a notebook, each exercise cell the learner answered
  goes back into the exercise cell with the same id, and the learner's own extra cells
  go back after the cell they followed. Everything else of the learner's version of
  that file (outputs of lesson notebooks, edits to lesson cells) stays in the backup.
- Before any file is touched, every changed tracked file is copied to
  `.zendo/backups/<time stamp>/`; if moving forward fails, the files are put back
  exactly as they were. `.zendo/` itself (progress, hints, backups) is never touched.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from zendo._build import notebook_text, recorded_starters
from zendo._errors import InputError, NotebookError, ZendoError
from zendo._files import back_up_together, write_text_atomically
from zendo._notebook import Cell, cell_source, read_notebook_json

logger = logging.getLogger(__name__)

_GIT_TIMEOUT_SECONDS = 300
_UNTRACKED_CLASH = "untracked working tree files would be overwritten"

Notebook = dict[str, object]
RawCell = dict[str, object]


class UpdateError(ZendoError):
    """The course could not be brought up to date; the learner's files are as they were."""


@dataclass(frozen=True)
class KeptAnswer:
    """An answer put back into the updated notebook, and whether its starter changed."""

    path: str
    exercise_id: str
    starter_changed: bool


@dataclass
class _Remembered:
    """What the learner had in one notebook that both they and the course changed."""

    path: str
    starters: dict[str, str]
    answers: dict[str, RawCell]
    extras: list[tuple[str | None, RawCell]]
    edited_cells: int
    readable: bool = True


@dataclass
class UpdateResult:
    """What `zendo update` did, for the summary it prints."""

    upstream: str
    old_commit: str
    new_commit: str
    backup: Path | None = None
    kept: list[KeptAnswer] = field(default_factory=list)
    orphaned: list[tuple[str, str]] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    extras_kept: int = 0
    extras_in_backup: int = 0
    replaced: list[tuple[str, str]] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old_commit != self.new_commit

    def describe(self, root: Path) -> list[str]:
        """The summary for the learner, one line per fact, shortest first."""
        if not self.changed:
            return [
                f"Already up to date with {self.upstream} (at {self.new_commit[:7]}); "
                "nothing was changed."
            ]
        lines = [f"Updated the course from {self.old_commit[:7]} to {self.new_commit[:7]}."]
        if self.backup is not None:
            lines.append(f"Backups of every file you had changed: {_shown(self.backup, root)}/")
        for answer in self.kept:
            line = f"kept      {answer.exercise_id}: your answer in {answer.path}"
            if answer.starter_changed:
                line += (
                    " (the course changed this exercise's starter; compare with"
                    f" `git diff HEAD -- {answer.path}`)"
                )
            lines.append(line)
        lines.extend(
            f"gone      {exercise_id}: the course removed this exercise from {path}; your "
            f"answer is in the backup, {_shown(self.backup, root)}/{path}"
            for path, exercise_id in self.orphaned
        )
        lines.extend(
            f"new       {exercise_id} in {path}, with its starter"
            for path, exercise_id in self.added
        )
        if self.extras_kept:
            lines.append(
                f"kept      {self.extras_kept} cell(s) you added, after the cells they followed"
            )
        if self.extras_in_backup:
            lines.append(
                f"moved     {self.extras_in_backup} cell(s) you added whose place is gone: "
                f"they are in the backup, {_shown(self.backup, root)}/"
            )
        lines.extend(
            f"updated   {path}: {why}; your copy is in the backup" for path, why in self.replaced
        )
        if self.untouched:
            lines.append(
                "unchanged by the course, so left as you had them: " + ", ".join(self.untouched)
            )
        lines.append(
            "If a notebook is open in JupyterLab, use File → Reload Notebook from Disk; if "
            "JupyterLab says the file changed on disk, choose Revert, not Overwrite."
        )
        return lines


def update_course(root: Path) -> UpdateResult:
    """Fetch the course's new version and move the learner's clone at `root` onto it.

    Raises InputError when `root` cannot be updated with git at all (no git, no clone, no
    upstream branch, a merge in progress) and UpdateError when the update was tried and
    given up; in both cases no file of the learner's has changed.
    """
    git = _Git(_work_tree(root))
    upstream = _upstream(git)
    fetched = git.run("fetch", "--quiet", check=False)
    if fetched.returncode != 0:
        raise UpdateError(
            f"Could not fetch the course's new version from {upstream} "
            f"({_last_line(fetched.stderr)}). Check your network connection, then run "
            "zendo update again; nothing was changed."
        )
    old = git.out("rev-parse", "HEAD").strip()
    new = git.out("rev-parse", "@{upstream}").strip()
    result = UpdateResult(upstream=upstream, old_commit=old, new_commit=new)
    if old == new or git.run("merge-base", "--is-ancestor", new, old, check=False).returncode == 0:
        result.new_commit = old
        return result
    if git.run("merge-base", "--is-ancestor", old, new, check=False).returncode != 0:
        own = git.out("rev-list", "--count", f"{new}..{old}").strip()
        raise UpdateError(
            f"Your branch has {own} commit(s) that the course does not have, so it cannot "
            "simply move forward, and zendo update never makes a merge commit; nothing was "
            "changed. `git log @{upstream}..` lists those commits: move them to a branch of "
            "their own, or ask your instructor."
        )
    _move_forward(git, root, result)
    logger.info(
        "Updated the course",
        extra={
            "old_commit": old[:12],
            "new_commit": new[:12],
            "kept_answers": len(result.kept),
            "orphaned_answers": len(result.orphaned),
            "added_exercises": len(result.added),
        },
    )
    return result


def _move_forward(git: _Git, root: Path, result: UpdateResult) -> None:
    old, new = result.old_commit, result.new_commit
    changed_by_learner = git.paths("diff", "--name-only", "--no-renames", "-z", "HEAD")
    changed_by_course = set(git.paths("diff", "--name-only", "--no-renames", "-z", old, new))
    existing = [path for path in changed_by_learner if (git.top / path).is_file()]
    if existing:
        result.backup = back_up_together(root, git.top, existing)
    both = [path for path in changed_by_learner if path in changed_by_course]
    result.untouched = [path for path in changed_by_learner if path not in changed_by_course]
    remembered = [
        _remember(git, path, old) for path in both if path.endswith(".ipynb") and _exists(git, path)
    ]
    saved = {path: _read_bytes(git.top / path) for path in both}
    in_head = [
        path
        for path in both
        if git.run("cat-file", "-e", f"{old}:{path}", check=False).returncode == 0
    ]
    try:
        if in_head:
            git.run("checkout", old, "--", *in_head)
        moved = git.run("merge", "--ff-only", "--quiet", new, check=False)
    except BaseException:
        _put_back(git.top, saved)
        raise
    if moved.returncode != 0:
        _put_back(git.top, saved)
        raise UpdateError(_why_not_moved(moved.stderr))
    for path in sorted(changed_by_course):
        if path.endswith(".ipynb") and not path.startswith("solutions/"):
            result.added.extend(
                (path, exercise_id) for exercise_id in _added_exercises(git, path, old, new)
            )
    memories = {memory.path: memory for memory in remembered}
    for memory in remembered:
        _restore_answers(git.top, memory, result)
    for path in both:
        reason = _replaced_reason(git.top, path, saved[path], memories.get(path))
        if reason:
            result.replaced.append((path, reason))


def _remember(git: _Git, path: str, old: str) -> _Remembered:
    """The learner's answers and own cells in `path`, compared with its version at `old`."""
    head = _notebook_at(git, path, old)
    try:
        mine = read_notebook_json(git.top / path)
    except NotebookError:
        return _Remembered(path, {}, {}, [], 0, readable=False)
    head_cells = _cells(head)
    starters = recorded_starters(mine) or recorded_starters(head)
    for cell in head_cells:
        exercise_id = _exercise_id(cell)
        if exercise_id and exercise_id not in starters:
            starters[exercise_id] = _source(cell)
    head_ids = {_cell_id(cell): _source(cell) for cell in head_cells if _cell_id(cell)}
    answers: dict[str, RawCell] = {}
    for cell in _cells(mine):
        exercise_id = _exercise_id(cell)
        if exercise_id in starters and starters[exercise_id].strip() != _source(cell).strip():
            answers[exercise_id] = cell  # with copies, the last one, as grading does
    answer_cells = {id(cell) for cell in answers.values()}
    extras: list[tuple[str | None, RawCell]] = []
    edited, anchor = 0, None
    for cell in _cells(mine):
        cell_id = _cell_id(cell)
        if cell_id and cell_id in head_ids:
            anchor = cell_id
            if id(cell) not in answer_cells and _source(cell) != head_ids[cell_id]:
                edited += 1
        elif head_ids and id(cell) not in answer_cells:
            extras.append((anchor, cell))
    return _Remembered(path, starters, answers, extras, edited)


def _restore_answers(top: Path, memory: _Remembered, result: UpdateResult) -> None:
    """Put the remembered answers and extra cells into the updated notebook at `memory.path`."""
    if not memory.answers and not memory.extras:
        return
    target = top / memory.path
    try:
        data = read_notebook_json(target)
    except NotebookError:
        # Gone from the course (or unreadable in it): the answers live on in the backup.
        result.orphaned.extend((memory.path, exercise_id) for exercise_id in memory.answers)
        result.extras_in_backup += len(memory.extras)
        return
    cells = _cells(data)
    new_starters = recorded_starters(data)
    by_id: dict[str, RawCell] = {}
    for cell in cells:
        exercise_id = _exercise_id(cell)
        if exercise_id:
            by_id[exercise_id] = cell
    for exercise_id, answer in memory.answers.items():
        target_cell = by_id.get(exercise_id)
        if target_cell is None:
            result.orphaned.append((memory.path, exercise_id))
            continue
        new_starter = new_starters.get(exercise_id, _source(target_cell))
        changed = new_starter.strip() != memory.starters.get(exercise_id, "").strip()
        target_cell["source"] = _source(answer)
        target_cell["outputs"] = answer.get("outputs", [])
        target_cell["execution_count"] = answer.get("execution_count")
        result.kept.append(KeptAnswer(memory.path, exercise_id, changed))
    placed = 0
    for anchor, extra in reversed(memory.extras):
        positions = [index for index, cell in enumerate(cells) if _cell_id(cell) == anchor]
        if anchor is None or positions:
            cells.insert(positions[-1] + 1 if positions else 0, extra)
            placed += 1
    result.extras_kept += placed
    result.extras_in_backup += len(memory.extras) - placed
    data["cells"] = cells
    write_text_atomically(target, notebook_text(data))


def _replaced_reason(
    top: Path, path: str, before: bytes | None, memory: _Remembered | None
) -> str | None:
    """Why the learner's version of `path` is now only in the backup, or None if it is not."""
    if before is None:
        return None  # the learner had deleted it: the course's version is simply back
    if not (top / path).exists():
        return "the course removed it"
    if memory is None:
        return "the course changed it, and so had you"
    if not memory.readable:
        return "your copy could not be read as a notebook"
    if memory.answers or memory.extras:
        if memory.edited_cells:
            return (
                f"your answers are kept, but not your edits to {memory.edited_cells} other cell(s)"
            )
        return None
    if memory.edited_cells:
        return f"the course changed it; you had edited {memory.edited_cells} of its cells"
    return "the course changed it; you had only run it (its outputs)"


def _added_exercises(git: _Git, path: str, old: str, new: str) -> list[str]:
    before = {_exercise_id(cell) for cell in _cells(_notebook_at(git, path, old))}
    after = [_exercise_id(cell) for cell in _cells(_notebook_at(git, path, new))]
    return [exercise_id for exercise_id in after if exercise_id and exercise_id not in before]


def _why_not_moved(stderr: str) -> str:
    if _UNTRACKED_CLASH in stderr:
        clashes = [
            line.strip()
            for line in stderr.splitlines()
            if line.startswith(("\t", "    ")) and line.strip()
        ]
        return (
            "The course's new version adds files that you already have, untracked by git: "
            f"{', '.join(clashes) or 'see git status'}. Nothing was changed. Rename or move "
            "yours, then run zendo update again."
        )
    return (
        f"git could not move to the course's new version ({_last_line(stderr)}); your files "
        "are as they were. Run `git status` to see why, or ask your instructor."
    )


class _Git:
    """git, run in the learner's work tree with a fixed language and no prompts."""

    def __init__(self, top: Path) -> None:
        self.top = top

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        completed = _git(self.top, *args)
        if check and completed.returncode != 0:
            raise UpdateError(
                f"`git {' '.join(args[:2])}` failed in {self.top} "
                f"({_last_line(completed.stderr)}); nothing of yours was lost."
            )
        return completed

    def out(self, *args: str) -> str:
        return self.run(*args).stdout

    def paths(self, *args: str) -> list[str]:
        return [path for path in self.out(*args).split("\0") if path]


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("git")
    if executable is None:
        raise InputError(
            "zendo update needs git, and there is no `git` command on this machine: install "
            "git, or get the course's new version the way your instructor gave you the course."
        )
    environment = dict(os.environ, LC_ALL="C", LANGUAGE="C", GIT_TERMINAL_PROMPT="0")
    try:
        return subprocess.run(  # noqa: S603 - git, found on PATH, with arguments we chose
            [executable, *args],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=_GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UpdateError(
            f"`git {args[0]}` did not finish in {_GIT_TIMEOUT_SECONDS} s; check your network "
            "connection, then run zendo update again."
        ) from None


def _work_tree(root: Path) -> Path:
    inside = _git(root, "rev-parse", "--show-toplevel")
    if inside.returncode != 0:
        raise InputError(
            f"{root} is not a git clone, so zendo update cannot fetch the course's new "
            "version: clone the course with `git clone URL` and copy your exercises/ "
            "notebooks into the clone, or get the new version as your instructor says."
        )
    return Path(inside.stdout.strip())


def _upstream(git: _Git) -> str:
    branch = git.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if branch.returncode != 0:
        raise InputError(
            f"{git.top} is on no branch (a detached HEAD), so zendo update does not know "
            "what to update: run `git switch main` (or your course's branch), then zendo "
            "update again."
        )
    name = branch.stdout.strip()
    upstream = git.run(
        "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False
    )
    if upstream.returncode != 0:
        raise InputError(
            f"The branch {name!r} follows no remote branch, so zendo update does not know "
            f"where the course's updates come from: run `git branch --set-upstream-to="
            f"origin/{name}`, then zendo update again."
        )
    merging = git.run("rev-parse", "--quiet", "--verify", "MERGE_HEAD", check=False)
    if merging.returncode == 0 or git.out("ls-files", "--unmerged").strip():
        raise InputError(
            "git is in the middle of a merge (an earlier `git pull`?): run `git merge "
            "--abort`, which keeps your saved work, then zendo update again."
        )
    return upstream.stdout.strip()


def _notebook_at(git: _Git, path: str, commit: str) -> Notebook:
    shown = git.run("show", f"{commit}:{path}", check=False)
    if shown.returncode != 0:
        return {}
    try:
        data = json.loads(shown.stdout)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _cells(notebook: Notebook) -> list[RawCell]:
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        return []
    return [cell for cell in cells if isinstance(cell, dict)]


def _source(cell: RawCell) -> str:
    try:
        return cell_source(cell.get("source", ""))
    except NotebookError:
        return ""


def _exercise_id(cell: RawCell) -> str | None:
    return Cell(0, str(cell.get("cell_type", "")), _source(cell)).exercise_id


def _cell_id(cell: RawCell) -> str | None:
    value = cell.get("id")
    return value if isinstance(value, str) and value else None


def _exists(git: _Git, path: str) -> bool:
    return (git.top / path).is_file()


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _put_back(top: Path, saved: dict[str, bytes | None]) -> None:
    """Return each file to the bytes it had before the update began (or remove it)."""
    for path, content in saved.items():
        target = top / path
        if content is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    logger.info("Put the learner's files back after a failed update", extra={"files": len(saved)})


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def _shown(path: Path | None, root: Path) -> str:
    if path is None:
        return "(no backup)"
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
