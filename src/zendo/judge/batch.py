"""The batch judge: a warm judge that collects a lesson's graders once per batch.

`zendo grade` judges many submissions of a lesson with the same graders. The warm judge
(`judge.warm`) forks a child per submission that still configures pytest, imports and
collects the graders: with pytest's traceback text for failed tests, about 70 ms of CPU
of the 263 ms an anchor submission cost (`benchmarks/profile_batch.py`). A
batch judge is a trusted process per worker and set of grader modules that runs pytest
up to the end of collection once, and then, in place of pytest's test loop, forks one
child per submission that runs the collected tests on that submission's exercises and
writes its results file as `runner.run_job` would (same plugin, same outcomes).

What keeps this as safe as a warm judge (issue 9):
- the batch judge itself runs no test, starts no sandbox and never runs learner code:
  its graders are imported (collection) but none of their tests has run, so every
  child starts from the same unused graders and nothing of one submission's tests
  (module state, hypothesis, fixtures) reaches another's;
- each submission gets a fresh child, and each of its exercises its own fresh sandbox;
  spare sandboxes (`judge.spare`) are started by the child that uses them, never
  handed to another;
- the next submission's child is forked ahead when a job is handed over, and boots its
  spare sandboxes on the second core while the current submission is graded.

This module is the engine's side, `BatchJudge`: a `WarmJudge` with the same `run` and
`close`, keeping one batch judge process (`judge.batch_server`) per set of grader
modules (at most MAX_SERVERS, the least recently used one stopped first). It imports
nothing heavy: the engine never loads pytest. The protocol on the process's stdin and
stdout is the warm judge's: `{"job": PATH}` in; `{"pid": N}` once a child has the job,
`{"exit": CODE}` when it has ended.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from pathlib import Path

from zendo.judge.warm import WarmJudge, WarmJudgeError

logger = logging.getLogger(__name__)

MAX_SERVERS = 3  # batch judges one worker keeps (one per lesson), about 50 MB each
GraderSet = tuple[tuple[str, ...], tuple[str, ...]]  # grader files, hidden ones among them


class BatchJudge(WarmJudge):
    """The engine's side: runs each job in a batch judge of the job's grader modules."""

    def __init__(self) -> None:
        super().__init__()
        self._servers: OrderedDict[GraderSet, _Server] = OrderedDict()
        self._early: _Server | None = None  # started before its graders were known
        # One job at a time: a worker's two threads share it (`_batch.grade_each`), one
        # preparing or collecting a submission while the other's is judged.
        self._lock = threading.Lock()

    def start_early(self) -> None:
        """Start a batch judge process now, for the first set of graders `run` meets.

        A batch judge imports pytest and hypothesis (about 0.3 s) before it reads its first
        job, which names the graders: `zendo grade` calls this first thing, so that those
        imports overlap the engine's reading of the course and the notebooks.
        """
        if self._early is None:
            self._early = _Server()
            self._early.start_early()

    def run(self, job_path: Path, *, hard_limit: float) -> int | None:
        """Run one job in a fresh child of its graders' batch judge; None when it overran."""
        graders = _grader_set(job_path)
        with self._lock:
            return self._run(job_path, graders, hard_limit)

    def _run(self, job_path: Path, graders: GraderSet, hard_limit: float) -> int | None:
        early, self._early = self._early, None
        server = self._servers.pop(graders, None) or early or _Server()
        if early is not None and server is not early:
            early.close()
        self._servers[graders] = server  # the most recently used last
        while len(self._servers) > MAX_SERVERS:
            _, oldest = self._servers.popitem(last=False)
            oldest.close()
        return server.run(job_path, hard_limit=hard_limit)

    def close(self) -> None:
        """Stop every batch judge, once the job being judged (if any) has ended."""
        with self._lock:
            servers, self._servers = list(self._servers.values()), OrderedDict()
            if self._early is not None:
                servers.append(self._early)
                self._early = None
            for server in servers:
                server.close()
            super().close()


def _grader_set(job_path: Path) -> GraderSet:
    try:
        job = json.loads(job_path.read_text(encoding="utf-8"))
        return (tuple(job["grader_files"]), tuple(job.get("hidden_files", [])))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise WarmJudgeError(f"The job file {job_path} cannot be read: {error}.") from None


class _Server(WarmJudge):
    """The client of one batch judge process: a warm judge's, running `batch_server`."""

    server_module = "zendo.judge.batch_start"
    what = "batch judge"
