"""One sandbox per submission: a host observer that forks a fresh observer per exercise.

A submission of a lesson has several exercises, and each used to get a sandbox of its
own: bubblewrap, a new Python, the observer's imports and the lesson's first imports,
about 36 ms of CPU each. A `SandboxHost` is one such sandbox started in host mode
(`Sandbox(host=True)`, the observer's `--host`): it imports the modules every exercise
needs once, then forks a child per exercise, which serves the observer's protocol on
pipes the judge creates and sends over the host's control socket, with its own output
file. To a `Learner`, each child is an ordinary `Sandbox` (`ForkedSandbox`).

What the exercises of one submission share, and what they do not:
- one exercise runs at a time: forking the next one ends every process of the one
  before (its child, and anything its code started) and empties `/tmp` and `/shared`,
  so each exercise starts as in a sandbox of its own, with its own process, module
  state and output file, and `/shared` to itself; the judge grades a
  submission's tests exercise by exercise (`JudgePlugin.pytest_collection_modifyitems`);
- what they share is the host's memory as it was before any learner code ran (the
  observer and the modules every exercise imports first), and the sandbox's walls;
  nothing is shared between submissions, which still get a sandbox each;
- the first exercise's child may be forked ahead (`fork_ahead`), while the host waits
  for its submission: it is forked from the same host, before any learner code ran in
  it, as the first exercise's fork would be, and it only answers `hello` until then;
- a child that runs out of time is killed by the host; a host that does not answer
  (learner code stopped or killed it) is killed with the whole sandbox, and the next
  exercise starts a new host. Either way the verdict of the exercise whose code did it
  is a timeout or an error, as with a sandbox of its own.

The host's answers are plumbing, never evidence: the judge reads only what the children
answer on the pipes it made, exactly as from a sandbox of their own.

Usage (the judge's plugin, for a submission with several sandboxed exercises):
    host = SandboxHost(limits, Isolation.BUBBLEWRAP, preload=("pydantic",))
    host.fork_ahead()                                       # optional: a spare's standby
    sandbox = host.sandbox_for("learner_money", source)   # a Sandbox for a Learner
    ...
    host.close()
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import select
from pathlib import Path

from zendo.judge.sandbox import (
    Isolation,
    Process,
    Sandbox,
    SandboxDied,
    SandboxGone,
    SandboxLimits,
    describe_exit,
)
from zendo.judge.zygote import HOST_MODULE, start_host_sandbox
from zendo.observer import PROTOCOL_VERSION

logger = logging.getLogger(__name__)

CONTROL_SECONDS = 5.0  # a fork, a kill or a preload of names already imported: milliseconds


class SandboxHost:
    """One submission's sandbox, forking an observer per exercise."""

    def __init__(
        self,
        limits: SandboxLimits,
        isolation: Isolation,
        *,
        preload: tuple[str, ...] = (),
        started: Sandbox | None = None,
    ) -> None:
        """`preload`: what the host imports for every exercise (each child imports what it
        still lacks itself); `started`: a host sandbox started ahead, a spare."""
        self.limits = limits
        self.isolation = isolation
        self.preload = preload
        self._sandbox = started
        self._slots = itertools.count(1)
        self._delivered = False
        self._ahead: ForkedSandbox | None = None  # the first exercise's child, forked ahead

    @property
    def process(self) -> Process | None:
        return self._sandbox.process if self._sandbox is not None else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def sandbox_for(self, module: str, source: str) -> ForkedSandbox:
        """A sandbox for one exercise: the child forked ahead, given this source, or an
        unstarted one that `start()` forks from this host."""
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.waiting_on(self._sandbox):
            ahead.module, ahead.source = module, source
            self.deliver(ahead.host_sandbox(), module, source)
            return ahead
        if ahead is not None:
            ahead.close()  # it ended, or its host did: the exercise forks its own
        return ForkedSandbox(
            module, source, self.limits, self.isolation, host=self, slot=next(self._slots)
        )

    def fork_ahead(self) -> None:
        """Fork the first exercise's child now, before the submission is known.

        For a spare host, while it waits for its submission (`spare.SparePool.greet`):
        the fork, and the child's first answer (`hello`, which runs the protocol's code
        once in the new process), are then done when the job comes. Nothing has run in
        the host but the observer and its preloaded modules, so the child is what the
        first exercise's fork would give; its source comes with `sandbox_for`. A child
        that fails here is dropped, and the first exercise forks its own.
        """
        if self._ahead is not None or self._sandbox is None:
            return
        ahead = ForkedSandbox(
            HOST_MODULE, "", self.limits, self.isolation, host=self, slot=next(self._slots)
        )
        try:
            ahead.fork_only()
            answer = ahead.request({"id": 0, "op": "hello"}, CONTROL_SECONDS)
        except SandboxGone as gone:
            ahead.close()
            logger.info("A child forked ahead did not start", extra={"why": str(gone)})
            return
        if "ok" not in answer:
            ahead.close()
            return
        self._ahead = ahead

    def started(self) -> Sandbox:
        """The host sandbox, started (again, if it was killed or stopped) and preloaded."""
        if self._sandbox is not None and self.alive() and self._sandbox.observer_running():
            return self._sandbox
        if self._sandbox is not None:
            self._sandbox.close()  # a host that was killed: its children went with it
            self._sandbox = None
        sandbox = start_host_sandbox(self.limits, self.isolation, HOST_MODULE)
        self._sandbox, self._delivered = sandbox, False
        # Each child inherits these imports. One that fails here fails the same way on
        # the learner's own import line when the cell loads.
        if self.preload:
            sandbox.control({"op": "preload", "modules": list(self.preload)}, [], 60.0)
        return sandbox

    def deliver(self, sandbox: Sandbox, module: str, source: str) -> None:
        """Put one exercise's source in the host's live, read-only submission folder."""
        folder = sandbox.folder / "submission"
        if not self._delivered:  # the stand-in goes: the folder holds this submission alone
            for old in folder.iterdir():
                old.unlink()
            self._delivered = True
        (folder / f"{module}.py").write_text(source, encoding="utf-8")

    def kill(self) -> None:
        """Kill the whole sandbox, every exercise's child with it."""
        if self._sandbox is not None:
            self._sandbox.kill()

    def close(self) -> None:
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None


class ForkedSandbox(Sandbox):
    """One exercise's observer, a child of its submission's host: a `Sandbox` to a Learner."""

    def __init__(
        self,
        module: str,
        source: str,
        limits: SandboxLimits,
        isolation: Isolation,
        *,
        host: SandboxHost,
        slot: int,
    ) -> None:
        super().__init__(module, source, limits, isolation, stdio=False)
        self.sandbox_host: SandboxHost | None = host
        self.slot = slot  # this exercise's number in the host: its output file's name
        self._child = 0  # the host's number for the child, once forked
        self._host_sandbox: Sandbox | None = None

    def _host(self) -> SandboxHost:
        if self.sandbox_host is None:  # pragma: no cover - set by the constructor
            raise SandboxDied("A forked sandbox needs its host.")
        return self.sandbox_host

    def fresh(self) -> ForkedSandbox:
        return self._host().sandbox_for(self.module, self.source)

    @property
    def shared(self) -> Path:
        """The host's shared folder: this exercise's alone while it runs (the host empties
        it before each fork)."""
        if self._host_sandbox is None:
            raise SandboxDied("The sandbox was never started.")
        return self._host_sandbox.shared

    def deliver(self, module: str, source: str) -> None:  # pragma: no cover - hosts deliver
        raise SandboxDied("A forked sandbox is given its source when it starts.")

    def start(self) -> None:
        """Fork this exercise's observer from the host, on pipes made here."""
        self._start(deliver=True)

    def fork_only(self) -> None:
        """Fork the observer without delivering a source (`SandboxHost.fork_ahead`)."""
        self._start(deliver=False)

    def _start(self, *, deliver: bool) -> None:
        host = self._host()
        try:
            sandbox, child, request_write, answer_read = self._fork(host, deliver)
        except SandboxGone:
            # Another exercise's code stopped or broke the host just now: this exercise
            # is not to pay for it, so once more from a new host.
            logger.info("A sandbox host failed to fork; starting a new one")
            host.kill()
            sandbox, child, request_write, answer_read = self._fork(host, deliver)
        self._child = child
        self.process = sandbox.process
        self._to_observer, self._from_observer = request_write, answer_read
        os.set_blocking(request_write, False)
        os.set_blocking(answer_read, False)
        logger.debug("Forked an exercise's observer", extra={"slot": self.slot})

    def waiting_on(self, host_sandbox: Sandbox | None) -> bool:
        """Whether this child, forked ahead, still waits on `host_sandbox` for its source:
        its host is the one given and runs, and its answer pipe has neither data nor an
        end (a child that ended closes it)."""
        if self._host_sandbox is None or self._host_sandbox is not host_sandbox:
            return False
        if not self._child or not self._host_sandbox.observer_running():
            return False
        readable, _, _ = select.select([self._from_observer], [], [], 0)
        return not readable and not self._buffer

    def host_sandbox(self) -> Sandbox:
        """The host sandbox this child was forked from."""
        if self._host_sandbox is None:
            raise SandboxDied("The sandbox was never started.")
        return self._host_sandbox

    def _fork(self, host: SandboxHost, deliver: bool = True) -> tuple[Sandbox, int, int, int]:
        """Ask the host for this exercise's process: the host sandbox, the child's number,
        and the judge's ends of its two pipes."""
        sandbox = host.started()
        if deliver:
            host.deliver(sandbox, self.module, self.source)
        self._host_sandbox = sandbox
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        output = os.open(self._output_path(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            answer = sandbox.control(
                {"op": "fork"},
                [request_read, answer_write, output],
                CONTROL_SECONDS,
            )
            child = answer.get("child")
            if type(child) is not int:
                sandbox.kill()
                raise SandboxDied("The sandbox host did not start the exercise's process.")
            if answer.get("version") != PROTOCOL_VERSION:
                sandbox.kill()
                raise SandboxDied("The sandbox speaks another protocol version.")
        except SandboxGone:
            for fd in (request_write, answer_read):
                os.close(fd)
            raise
        finally:
            for fd in (request_read, answer_write, output):
                os.close(fd)
        return sandbox, child, request_write, answer_read

    def _output_path(self) -> Path:
        if self._host_sandbox is None:
            raise SandboxDied("The sandbox was never started.")
        return self._host_sandbox.folder / f"output-{self.slot}.txt"

    def output(self) -> str:
        try:
            path = self._output_path()
        except SandboxDied:
            return ""
        return self._capped(path)

    def _died(self) -> None:
        code = self.kill()
        raise SandboxDied(describe_exit(code))

    def kill(self) -> int | None:
        """End this exercise's child (through the host; past its limit, the whole sandbox)."""
        code = None
        sandbox, child = self._host_sandbox, self._let_go()
        running = sandbox is not None and sandbox.observer_running()
        if sandbox is not None and child and not running:
            sandbox.kill()  # a host stopped or gone cannot end its child: the sandbox goes
        elif sandbox is not None and child:
            try:
                answer = sandbox.control({"op": "kill", "child": child}, [], CONTROL_SECONDS)
                status = answer.get("status")
                code = status if type(status) is int else None
            except SandboxGone:  # the host itself did not answer: the whole sandbox went
                logger.info("A sandbox host did not answer; the sandbox was killed")
        return code

    def _let_go(self) -> int:
        """Close this exercise's pipes and forget its child; the child's number, or 0."""
        self._close_pipes()
        self._buffer = b""
        child, self._child = self._child, 0
        self.process = None
        return child

    def close(self) -> None:
        """Done with this exercise: its pipes close, and its process ends on their end.

        No `kill` round trip: the host ends every process of this exercise before it
        forks the next one (or the whole sandbox goes with the host), so nothing of it
        can outlive its turn either way.
        """
        self._let_go()
        if self._host_sandbox is not None and self._host_sandbox.folder_or_none is not None:
            with contextlib.suppress(OSError):
                self._output_path().unlink()
        self._host_sandbox = None
