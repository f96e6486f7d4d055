"""The attack corpus of issue 9 against the v2 judge: each ends as a non-pass, harmlessly.

Every file in `tests/fixtures/course_v2/attacks/` is a submission that gets a wrong
answer and attacks the grading (the header names the attack and the statuses it may
end with). All of them are graded through `judge_lesson`, beside an honest reference
graded before and after. Beyond their own status, the attacks must leave the course,
the venv, other submissions and the host's /tmp unchanged, leak no secret from the
engine's environment, reach no server, and leave no process behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_v2_course import COURSE_V2, IDS, grade_cells, grade_notebook, header
from tests.test_v2_sandbox import (
    REPO,
    UNPRIVILEGED_USER,
    ensure_user,
    processes_with,
    unprivileged_python,
)
from zendo.judge.lesson import JudgeRun

ATTACKS = sorted((COURSE_V2 / "attacks").glob("*.py"))
SECRET = "zendo-attack-secret-4f1c9a"  # noqa: S105 - bait, not a credential
SITE = next(Path(p) for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())


@dataclass
class Graded:
    run: JudgeRun
    seconds: float


@dataclass
class Corpus:
    course: Path
    token: str
    other: Path
    server: socket.socket
    honest_before: JudgeRun
    honest_after: JudgeRun
    attacks: dict[str, Graded]
    course_hash_before: str
    site_before: set[str]


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def honest(run: JudgeRun) -> list[tuple[str, str, str]]:
    return [(o.test, o.status.value, o.message) for o in run.outcomes]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    folder = tmp_path_factory.mktemp("attacks")
    course = folder / "course"
    shutil.copytree(COURSE_V2, course)
    other = folder / "other-learner.ipynb"
    other.write_text('{"someone": "else"}', encoding="utf-8")
    token = f"zendo-attack-{os.getpid()}-{time.monotonic_ns()}"
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    os.environ["ZENDO_ATTACK_SECRET"] = SECRET  # in the engine's and the judge's environment
    try:
        course_hash = tree_hash(course)
        site_before = {path.name for path in SITE.iterdir()}
        reference = course / "solutions" / "01_calc.ipynb"
        honest_before = grade_notebook(course, reference, IDS)
        attacks = {}
        for path in ATTACKS:
            source = path.read_text(encoding="utf-8")
            for marker, value in {
                "__COURSE__": str(course),
                "__SITE__": str(SITE),
                "__OTHER__": str(other),
                "__TOKEN__": token,
                "__PORT__": str(server.getsockname()[1]),
            }.items():
                source = source.replace(marker, value)
            exercise_id = header(path)["exercise"]
            began = time.monotonic()
            run = grade_cells(course, {exercise_id: source}, folder / f"{path.stem}.ipynb")
            attacks[path.stem] = Graded(run, time.monotonic() - began)
        honest_after = grade_notebook(course, reference, IDS)
        yield Corpus(
            course,
            token,
            other,
            server,
            honest_before,
            honest_after,
            attacks,
            course_hash,
            site_before,
        )
    finally:
        del os.environ["ZENDO_ATTACK_SECRET"]
        server.close()
        stray = SITE / "zendo_attack.pth"
        if stray.exists():  # never expected; cleaned so one failure does not poison the venv
            stray.unlink()


def test_the_corpus_covers_every_attack_class_of_issue_9() -> None:
    names = {path.stem for path in ATTACKS}
    assert names >= {
        "gc_hunt", "forge_lines", "pytest_plugin", "grader_data", "settrace",
        "hypothesis_settings", "fake_tools", "always_equal", "lying_int", "lying_decimal",
        "proc_snoop", "write_outside", "network", "orphans", "sigstop_self",
        "sigstop_parent", "os_exit", "endless_loop",
    }  # fmt: skip


@pytest.mark.parametrize("path", ATTACKS, ids=lambda path: path.stem)
def test_each_attack_ends_as_its_own_non_pass(corpus: Corpus, path: Path) -> None:
    fields = header(path)
    allowed = {status.strip() for status in fields["expect"].split(",")}
    graded = corpus.attacks[path.stem]
    assert graded.run.fate == "finished", graded.run.detail
    outcomes = [o for o in graded.run.outcomes if o.exercise_id == fields["exercise"]]
    assert outcomes, "the exercise was not graded at all"
    seen = {o.status.value for o in outcomes}
    assert (seen - {"pass"}) <= allowed, f"{path.stem}: {seen} not within {allowed}: {outcomes}"
    assert (seen - {"pass"}) & allowed, f"{path.stem} passed: {outcomes}"


def test_time_limits_hold_within_a_second(corpus: Corpus) -> None:
    for name in ["endless_loop", "sigstop_self"]:
        outcomes = corpus.attacks[name].run.outcomes
        timed_out = [o for o in outcomes if o.status.value == "timeout"]
        assert timed_out, name
        assert all(o.duration_seconds < 3.0 + 1 for o in timed_out), timed_out
        assert "did not finish within 3 seconds" in timed_out[0].message


def test_honest_results_are_unchanged_by_the_attacks(corpus: Corpus) -> None:
    assert honest(corpus.honest_before) == honest(corpus.honest_after)
    assert {status for _, status, _ in honest(corpus.honest_after)} == {"pass"}


def test_the_course_the_venv_and_other_submissions_are_untouched(corpus: Corpus) -> None:
    assert tree_hash(corpus.course) == corpus.course_hash_before
    assert {path.name for path in SITE.iterdir()} == corpus.site_before
    assert corpus.other.read_text(encoding="utf-8") == '{"someone": "else"}'
    assert not Path(f"/tmp/zendo-attack-{corpus.token}").exists()  # noqa: S108


def test_no_secret_or_engine_path_leaks_into_any_result(corpus: Corpus) -> None:
    everything = "\n".join(
        f"{o.message}\n{o.output}"
        for graded in corpus.attacks.values()
        for o in graded.run.outcomes
    )
    assert SECRET not in everything
    assert str(corpus.course) not in everything
    snoop = corpus.attacks["proc_snoop"].run.outcomes
    assert any("1/2" in o.message for o in snoop), snoop  # it saw only its own two pids


def test_no_connection_reached_the_server(corpus: Corpus) -> None:
    with pytest.raises(BlockingIOError):
        corpus.server.accept()


def test_no_process_outlives_its_submission(corpus: Corpus) -> None:
    assert processes_with(corpus.token) == []


UNPRIVILEGED_PROBE = """
import json, sys
from pathlib import Path
from tests.test_v2_course import grade_cells, grade_notebook, header
course = Path(sys.argv[1])
report = {"honest": [o.status.value for o in grade_notebook(
    course, course / "solutions" / "01_calc.ipynb", ["calc.split", "calc.money", "calc.typed"]
).outcomes]}
for name in sys.argv[3:]:
    path = course / "attacks" / f"{name}.py"
    source = path.read_text().replace("__TOKEN__", sys.argv[2]).replace("__COURSE__", str(course))
    source = source.replace("__SITE__", "/nonexistent").replace("__OTHER__", "/nonexistent")
    run = grade_cells(course, {header(path)["exercise"]: source}, course / f"{name}.ipynb")
    report[name] = sorted({o.status.value for o in run.outcomes})
print(json.dumps(report))
"""


def test_grading_as_an_unprivileged_user_holds_against_attacks() -> None:
    # The same judge, run by a user without privileges (created here when run as root).
    folder = Path(tempfile.mkdtemp(prefix="zendo-unprivileged-grading-"))
    try:
        folder.chmod(0o755)
        course = folder / "course"
        shutil.copytree(COURSE_V2, course)
        (folder / "tests").mkdir()
        for name in ["__init__.py", "conftest.py", "postgres_cluster.py", "test_v2_course.py"]:
            shutil.copy(REPO / "tests" / name, folder / "tests" / name)
        (folder / "probe.py").write_text(UNPRIVILEGED_PROBE, encoding="utf-8")
        token = f"zendo-attack-unprivileged-{time.monotonic_ns()}"
        if os.geteuid() == 0:
            ensure_user(UNPRIVILEGED_USER)
            for path in [folder, *folder.rglob("*")]:
                os.chown(path, pwd.getpwnam(UNPRIVILEGED_USER).pw_uid, -1)
            command = ["runuser", "-u", UNPRIVILEGED_USER, "--"]
            command += [unprivileged_python(UNPRIVILEGED_USER)]
        else:
            command = [sys.executable]
        site = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder), str(REPO / "src"), *site]))
        attacks = ["write_outside", "orphans", "proc_snoop", "endless_loop", "lying_int"]
        done = subprocess.run(
            [*command, str(folder / "probe.py"), str(course), token, *attacks],
            capture_output=True,
            text=True,
            env=env,
            cwd=folder,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        report = json.loads(done.stdout)
        assert set(report["honest"]) == {"pass"}
        assert report["endless_loop"] == ["timeout"]
        for name in ["write_outside", "orphans", "proc_snoop", "lying_int"]:
            assert report[name] == ["fail"], (name, report[name])
        grader = course / "tests" / "graders" / "test_01_calc.py"
        assert (
            grader.read_bytes()
            == (COURSE_V2 / "tests" / "graders" / "test_01_calc.py").read_bytes()
        )
        assert processes_with(token) == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)
