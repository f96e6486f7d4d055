"""The batch judge process: collect a lesson's graders once, then fork a child per submission.

Started by `judge.batch.BatchJudge` as `python -P -m zendo.judge.batch_server`, one per
worker and set of grader modules. It imports and configures what every judge does
(pytest, the judge plugin; hypothesis with the fixed settings once a grader imports
it), answers `{"ready": true}`, reads the first job, and runs pytest on that job's
grader modules. After collection, in place of pytest's test loop, it serves jobs: for
each `{"job": PATH}` line it hands the job to a child forked ahead and answers `{"pid":
N}`, then `{"exit": CODE}` when the child has written its results (or ended). The child
runs the collected tests of that job's exercises with the judge plugin, exactly as
`runner.run_job` does, and writes the same results file.

The batch judge itself never runs a test, never starts a sandbox and never runs
learner code; its graders are imported but none of their tests has run, so each child
starts from the same unused graders. The next child is forked when a job is handed
over, and starts its spare sandboxes (`judge.spare`, shaped like the job just handed
over) while that job is graded: the second core boots the next submission's sandboxes.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import select
import signal
import sys
import tempfile
from pathlib import Path
from typing import Literal

import pytest

from zendo.judge import zygote
from zendo.judge.job import JudgeJob
from zendo.judge.plugin import JudgePlugin, exercise_mark
from zendo.judge.prestart import leave_nothing_behind
from zendo.judge.protocol import runs_lean
from zendo.judge.runner import (
    _Problems,
    _warm_hypothesis,
    configure_hypothesis_when_imported,
    judge_plugin,
    pytest_arguments,
    run_job,
    write_results,
)
from zendo.judge.sandbox import compile_observer
from zendo.judge.spare import POOL, SpareShape, shapes_for
from zendo.judge.zygote import ZygoteHost

logger = logging.getLogger(__name__)


class Channel:
    """The engine's pipes, moved off stdin and stdout, so nothing printed can reach them.

    pytest, a grader module printing at import, or a child's output then write to
    /dev/null or a job's log, never into the protocol.
    """

    def __init__(self) -> None:
        self.requests = os.fdopen(os.dup(0), "rb")
        self.answers = os.dup(1)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1):
            os.dup2(devnull, fd)
        os.close(devnull)

    def job(self) -> Path | None:
        """The next job's path, or None when the engine closed the pipe."""
        line = self.requests.readline()
        if not line:
            return None
        return Path(str(json.loads(line)["job"]))

    def answer(self, message: dict[str, object]) -> None:
        data = json.dumps(message).encode() + b"\n"
        while data:
            data = data[os.write(self.answers, data) :]

    def close_in_child(self) -> None:
        """A child never talks to the engine: it drops both pipes."""
        self.requests.close()
        os.close(self.answers)


class Serving:
    """The batch judge's pytest plugin: keeps the collected tests, then serves jobs."""

    def __init__(
        self, channel: Channel, first: Path, job: JudgeJob, judge: JudgePlugin, problems: _Problems
    ) -> None:
        self.channel = channel
        self.first: Path | None = first
        self.graders = (job.grader_files, job.hidden_files)
        self.judge = judge
        self.problems = problems
        self.items: list[pytest.Item] = []
        self.served = False
        self.first_host: ZygoteHost | None = None  # the first job's, started ahead
        self.keywords: dict[str, dict[str, Literal[1]]] = {}  # each test's report keywords

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """Keep every collected test, before the judge plugin keeps a job's exercises'."""
        self.items = list(items)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        """pytest's report of a phase that passed or failed, made the cheap way.

        A failed test's report goes without pytest's traceback text, which nobody reads
        here: the judge plugin classifies a failure from the exception itself, and pytest
        would also format its traceback, source lines included (about 10 ms per failed
        test, most of a weak submission's judging). Every report takes its test's
        keywords as the batch judge listed them once (pytest lists them again for each
        report of each phase: about 9% of a small submission's CPU). Skips keep pytest's
        own report.
        """
        error = call.excinfo
        keywords = self.keywords.get(item.nodeid)
        if call.when == "collect" or keywords is None:
            return None
        skipped = (pytest.skip.Exception, BaseExceptionGroup)
        if error is not None and isinstance(error.value, skipped):
            return None
        sections = [(f"Captured {key} {when}", text) for when, key, text in item._report_sections]
        return pytest.TestReport(
            item.nodeid,
            item.location,
            keywords,
            "passed" if error is None else "failed",
            None if error is None else f"{error.typename}: {error.value}"[:2000],
            call.when,
            sections,
            duration=call.duration,
            start=call.start,
            stop=call.stop,
            user_properties=item.user_properties,
        )

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        """Serve jobs until the engine closes stdin; pytest's own loop never runs here."""
        self.served = True
        _prepare_what_graders_use(self.items)
        for item in self.items:
            # Computed once here, every child's reports inherit them (a relative path of
            # each test, about 0.1 ms per test in every submission otherwise; its keywords).
            item.location  # noqa: B018 - a cached property
            self.keywords[item.nodeid] = dict.fromkeys(item.keywords, 1)
            exercise_mark(item)  # each kept on the item, for every child
            runs_lean(item)
        # What every child inherits is left out of the children's garbage collections:
        # walking it would touch, and so copy, most of the judge's pages in each child.
        # The collector was off for the imports and the collection (`batch_start`).
        gc.enable()
        gc.freeze()
        standby: Child | None = None
        finishing: Child | None = None  # the last job's child, closing its sandboxes
        try:
            while (job := self._next_job()) is not None:
                current = standby or self._first_child(session, job)
                standby = None
                current.give(job)
                self.channel.answer({"pid": current.pid})
                # The next submission's child boots its spares while this one is graded.
                standby = Child(self, session, _shapes(job, self.items))
                if finishing is not None:
                    finishing.reap()
                    finishing = None
                self.channel.answer({"exit": current.wait_done()})
                finishing = current
        finally:
            if standby is not None:
                standby.cancel()
            if finishing is not None:
                finishing.reap()
        return True

    def _first_child(self, session: pytest.Session, job: Path) -> Child:
        """The first job's child, given the host started while this judge imported."""
        host, self.first_host = self.first_host, None
        child = Child(self, session, _shapes(job, self.items), adopt=host)
        if host is not None:
            host.hand_over()  # the child's now: this process only closes its copies
        return child

    def _next_job(self) -> Path | None:
        if self.first is not None:
            job, self.first = self.first, None
            return job
        return self.channel.job()


class Child:
    """One submission's judge, forked from the batch judge ahead of its job.

    Until its job comes it starts its spare sandboxes and waits on a pipe, in the batch
    judge's process group (stopping the batch judge takes it along); on the job, the
    parent gives it a process group of its own before the engine learns its pid and may
    kill that group on a timeout. A parent that goes away closes the pipe: the child
    then kills its spares and exits.

    Once its results file is written, the child says so on a second pipe and then
    closes its sandboxes (killing bubblewrap, releasing its cgroup, removing folders:
    about 5 ms) and exits (unmapping a forked copy of the judge: about 2 ms more): the
    engine reads the results and hands over the next job meanwhile, and the batch judge
    reaps this child after the next one has its job.
    """

    def __init__(
        self,
        serving: Serving,
        session: pytest.Session,
        shapes: list[SpareShape],
        adopt: ZygoteHost | None = None,
    ) -> None:
        job_read, self._job_write = os.pipe()
        self._done_read, done_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                os.close(self._job_write)
                os.close(self._done_read)
                code = _child(serving, session, job_read, done_write, shapes, adopt)
            finally:
                os._exit(code)  # also after an exception: the parent reports exit 1
        os.close(job_read)
        os.close(done_write)
        self._exit: int | None = None

    def give(self, job: Path) -> None:
        with contextlib.suppress(OSError):  # a child that died already: wait_done() says so
            os.setpgid(self.pid, self.pid)
            os.write(self._job_write, str(job).encode() + b"\n")
        os.close(self._job_write)

    def wait_done(self) -> int:
        """The job's exit code, as soon as its results are written (or the child ended)."""
        with os.fdopen(self._done_read, "rb") as done:
            # Whoever else might hold the pipe open, a child that has ended is not waited
            # for longer than a second.
            while not select.select([done], [], [], 1.0)[0]:
                if self._ended():
                    return self.reap()
            said = done.read(1)
        if said == DONE:
            return 0
        return self.reap()  # it ended (or was killed) without saying so: its exit says why

    def _ended(self) -> bool:
        if self._exit is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._exit = os.waitstatus_to_exitcode(status)
        return self._exit is not None

    def reap(self) -> int:
        if self._exit is None:
            _, status = os.waitpid(self.pid, 0)
            self._exit = os.waitstatus_to_exitcode(status)
        return self._exit

    def cancel(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self._job_write)
        with contextlib.suppress(OSError):
            os.close(self._done_read)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


DONE = b"d"  # a child's word that its results file is complete


def _child(
    serving: Serving,
    session: pytest.Session,
    job_read: int,
    done_write: int,
    shapes: list[SpareShape],
    adopt: ZygoteHost | None = None,
) -> int:
    """A forked child: start spares (or adopt a host started for it), wait for the job,
    run the collected tests on it."""
    # Only this process may say its results are written: a process it forks (a mypy run)
    # must not hold the pipe open after this one has ended without saying so.
    os.register_at_fork(after_in_child=lambda: _close_quietly(done_write))
    serving.channel.close_in_child()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    try:
        hosted = next((shape for shape in shapes if shape.host), None)
        if adopt is not None and hosted is not None:
            POOL.adopt(hosted, adopt)
        elif adopt is not None:
            adopt.close()
        POOL.top_up(shapes)
        POOL.greet(until=lambda: _readable(job_read))  # the job came: the rest boot beside it
    except Exception as error:  # a spare's trouble never stops the job
        POOL.close()
        logger.warning("Spares did not start", extra={"why": type(error).__name__})
    with os.fdopen(job_read, "rb") as pipe:
        line = pipe.read().decode().strip()
    if not line:  # cancelled, or the batch judge went away: no job
        POOL.close()
        return 0
    path = Path(line)
    log = os.open(path.parent / "judge.log", os.O_WRONLY | os.O_CREAT, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    job = JudgeJob.read(path)
    problems = list(serving.problems.found)
    if (job.grader_files, job.hidden_files) != serving.graders:
        problems.append("The batch judge was given a job for other graders.")
    judge = serving.judge
    # The plugin registered at collection now holds this job (its fixtures stay bound to it).
    vars(judge).update(vars(judge_plugin(job)))
    items = list(serving.items)
    judge.pytest_collection_modifyitems(session.config, items)  # this job's exercises only
    session.items = items
    session.testscollected = len(items)
    judge.pytest_runtestloop(session)  # the judge plugin's own start: spares for what is missing
    try:
        for number, item in enumerate(items):
            following = items[number + 1] if number + 1 < len(items) else None
            item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
        code = 5 if not items else (1 if session.testsfailed else 0)
        write_results(job, judge, code, problems)
        os.write(done_write, DONE)  # the engine may read the results: the rest is clean-up
    finally:
        judge.close()
        POOL.close()
    return 0


def _close_quietly(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _readable(fd: int) -> bool:
    ready, _, _ = select.select([fd], [], [], 0)
    return bool(ready)


def _shapes(job_path: Path, items: list[pytest.Item]) -> list[SpareShape]:
    """Spares for the next submission: one per sandboxed exercise of this job, its imports."""
    try:
        job = JudgeJob.read(job_path)
    except (OSError, ValueError):
        return []
    sandboxed = set()
    for item in items:
        marker = exercise_mark(item)
        if marker is not None and marker.args and "learner" in getattr(item, "fixturenames", ()):
            sandboxed.add(marker.args[0])
    limits = job.sandbox_limits()
    exercises = [
        (spec.exercise_id, spec.source, spec.cell_start_line)
        for spec in job.exercises
        if spec.exercise_id in sandboxed
    ]
    return shapes_for(sorted(exercises), limits, job.isolation, job.stdio)


def _prepare_what_graders_use(items: list[pytest.Item]) -> None:
    """Warm hypothesis and import mypy in the batch judge only when its graders use them.

    A first property run builds much of hypothesis's machinery (about 80 ms), and each
    mypy run forks the judge (`judge.tools`): done here, every child skips them. Graders
    without properties or mypy (the anchor assignment's) do not pay for either.
    """
    if any(getattr(getattr(item, "obj", None), "is_hypothesis_test", False) for item in items):
        _warm_hypothesis()
    from zendo.judge.mypy_graded import prepare_config, run_mypy_graded
    from zendo.judge.tools import run_mypy

    runners = (run_mypy, run_mypy_graded)
    folders = {Path(str(item.path)).parent for item in items}
    for module in list(sys.modules.values()):
        where = getattr(module, "__file__", None)
        if not where or Path(where).parent not in folders:
            continue
        if any(value in runners for value in vars(module).values()):
            with contextlib.suppress(ImportError):
                import mypy.api
                import mypy.main  # noqa: F401
            prepare_config(Path.cwd())  # this judge's private folder: removed with it
            return


def _plain_job(channel: Channel, job: Path) -> None:
    """One job the warm judge's way (its own pytest run) in a forked child."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            channel.close_in_child()
            os.setsid()
            log = os.open(job.parent / "judge.log", os.O_WRONLY | os.O_CREAT, 0o600)
            os.dup2(log, 1)
            os.dup2(log, 2)
            code = run_job(job)
        finally:
            os._exit(code)
    channel.answer({"pid": pid})
    _, status = os.waitpid(pid, 0)
    channel.answer({"exit": os.waitstatus_to_exitcode(status)})


def serve(head_start: zygote.HeadStart | None = None) -> None:
    """Imports, the first job, collection, then one child per job until stdin closes.

    `head_start`: the zygote and first host `batch_start` began before these imports.
    An engine stops its batch judge by killing it; one that closed the judge's stdin
    instead went away, and the judge then removes its own folder as it ends.
    """
    try:
        _serve(head_start)
    finally:
        if head_start is not None:
            head_start.cancel()
        zygote.stop()
        leave_nothing_behind()


def _serve(head_start: zygote.HeadStart | None) -> None:
    channel = Channel()
    configure_hypothesis_when_imported()  # the same settings everywhere, if graders use it
    if head_start is None:
        compile_observer()
    channel.answer({"ready": True})
    first = channel.job()
    if first is None:
        return
    job = JudgeJob.read(first)
    first_host = None
    if head_start is not None and not job.stdio:
        first_host = head_start.finish(job.sandbox_limits(), job.isolation)
    elif not job.stdio:  # it boots beside the collection; the children fork hosts from it
        zygote.start(job.sandbox_limits(), job.isolation)
    # Collected for no exercise: the judge plugin keeps no test and starts no sandbox here.
    judge = judge_plugin(job.without_exercises())
    problems = _Problems()
    serving = Serving(channel, first, job, judge, problems)
    serving.first_host = first_host
    folder = Path(tempfile.mkdtemp(prefix="collect-", dir=Path.cwd()))
    # No capturing: its saved descriptors would be the engine's pipes in every child.
    arguments = [*pytest_arguments(job, folder), "--capture=no"]
    pytest.main(arguments, plugins=[judge, problems, serving])
    if not serving.served:
        # pytest stopped before its test loop (a usage error): judge each job the warm
        # judge's way, so that each job's own run reports what went wrong.
        pending: Path | None = serving.first or first
        while pending is not None:
            _plain_job(channel, pending)
            pending = channel.job()
