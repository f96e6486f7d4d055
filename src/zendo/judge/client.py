"""The judge's end of the protocol: ask the sandboxed learner process, get observations.

Usage (in a grader, with the `learner` fixture):

    got = learner.call("split", 100, 3)          # an Observation
    shares = got.value                            # exact plain data, or a Handle
    price = learner.call("Money", 1234, "EUR").handle
    price.call("to_decimal").value                # Decimal('12.34')
    price.set("minor", 0).raised                  # Raised(...) or None

An Observation holds what the learner's code did, decoded on this side into exact
values: an `int` here is always a real `int`, whatever the learner's object claimed.
Anything that is not plain data stays in the sandbox and is named by a `Handle`.
"""

from __future__ import annotations

import itertools
import logging
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NoReturn

from zendo.judge.sandbox import Sandbox, SandboxDied, SandboxGone, SandboxTimeout
from zendo.judge.values import Decoder, ProtocolFault, check_text, encode
from zendo.observer import PROTOCOL_VERSION

logger = logging.getLogger(__name__)

MAX_SHOWN = 160
# Said for every answer a sandbox garbled (the fault itself goes to the log): learner code
# that writes where only the protocol writes is by far the likeliest cause.
BROKE_PROTOCOL = (
    "Your code's process sent the grading an answer it cannot trust, usually because the "
    "code wrote into a pipe or file descriptor it did not open (or forged answers). Use "
    "print() for output and write only to files your code opened itself, then check again."
)


def show(value: object) -> str:
    """A short repr of a value for a learner message, cut with a visible `...`."""
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 4] + " ..."


class LearnerFailure(AssertionError):  # noqa: N818 - a failed check, not an error
    """A check that failed, with a message written for the learner and a hint id."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class TooSlow(LearnerFailure):
    """A call ran past a grader's own time limit (`Learner.time_limit`); the sandbox restarts."""


class SubmissionBroken(SandboxGone):
    """The learner's cell could not even be loaded (a syntax error, an exception at import)."""


@dataclass(frozen=True)
class Raised:
    """An exception the learner's code raised, as data: never the object itself."""

    classes: tuple[str, ...]  # "module.QualName" of the class and its ancestors
    message: str
    errors: tuple[dict[str, Any], ...] = ()  # a pydantic ValidationError's errors()
    line: int | None = None  # a SyntaxError's line
    at: int | None = None  # the line of the learner's file where it was raised
    missing_name: str | None = None  # a NameError's name

    @property
    def name(self) -> str:
        return self.classes[0].rsplit(".", 1)[-1]

    def is_a(self, *kinds: type[BaseException] | str) -> bool:
        """True if the class or an ancestor is one of `kinds` (a class, or its name).

        A built-in class matches only the built-in (`builtins.ValueError`); a name
        without a module matches any class of that name.
        """
        for kind in kinds:
            if isinstance(kind, str):
                if any(name == kind or name.endswith("." + kind) for name in self.classes):
                    return True
            elif f"{kind.__module__}.{kind.__qualname__}" in self.classes:
                return True
        return False

    def describe(self) -> str:
        """`ValueError: message`, or for a pydantic error the fields and rules it names."""
        if self.errors:
            listed = "; ".join(
                f"{'.'.join(error.get('loc', [])) or 'the form'}: {error.get('msg', '')}"
                for error in self.errors
            )
            return f"{self.name} ({listed})"
        text = self.message.strip()
        return f"{self.name}: {text.splitlines()[0]}" if text else self.name


@dataclass(frozen=True)
class Observation:
    """What one request to the learner's code observed: a value or an exception."""

    shown: str  # the expression as a learner would write it: `split(100, 3)`
    returned: object = None
    raised: Raised | None = None
    printed: str = ""
    where: str = ""  # where the exception was raised: "line 3 of the exercise cell"
    moved: str = ""  # set when it used a name defined in another notebook cell
    exercise_id: str = ""  # the exercise whose code was asked: "money.split"

    @property
    def ok(self) -> bool:
        return self.raised is None

    @property
    def value(self) -> Any:
        """The returned value; a learner failure naming the exception if one was raised."""
        if self.raised is not None:
            if self.moved:
                raise SubmissionBroken(self.moved)
            if self.raised.is_a(NotImplementedError):
                # One message for the whole exercise, whichever call met the starter
                # first: a verdict then says its one cause once, as v1 did.
                raise LearnerFailure(
                    f"{self.exercise_id or 'This exercise'} is not done yet: your code still "
                    "raises NotImplementedError. Replace the `raise NotImplementedError` line "
                    "with your solution."
                )
            at = f" (at {self.where})" if self.where else ""
            raise LearnerFailure(f"{self.shown} raised {self.raised.describe()}{at}.")
        return self.returned

    @property
    def handle(self) -> Handle:
        """The returned object, which must be one kept in the sandbox."""
        value = self.value
        if not isinstance(value, Handle):
            raise LearnerFailure(
                f"{self.shown} returned {show(value)}; expected an object of your own class."
            )
        return value

    def describe(self) -> str:
        """`returned [1, 2]`, or `raised ValueError: ...`."""
        if self.raised is None:
            return f"returned {show(self.returned)}"
        return f"raised {self.raised.describe()}"


class Handle:
    """An object that lives in the sandbox; the judge names it by number."""

    def __init__(
        self, learner: Learner, number: int, classes: tuple[str, ...], shown: str, note: str = ""
    ) -> None:
        self.learner = learner
        self.id = number
        self.classes = classes
        self.shown = shown  # the learner's repr, cut: for messages only
        self.note = note
        self.origin = shown  # how a learner would write it; set by the request that made it

    @property
    def class_name(self) -> str:
        return self.classes[0].rsplit(".", 1)[-1]

    def is_a(self, name: str) -> bool:
        """True if the object's class or an ancestor is called `name` (`Money`, `builtins.int`)."""
        return any(entry == name or entry.endswith("." + name) for entry in self.classes)

    def __repr__(self) -> str:
        return self.shown

    def call(self, method: str, *args: object, **kwargs: object) -> Observation:
        """Call `method` on the object: `price.call("to_decimal")`."""
        shown = f"{self.origin}.{method}({_arguments(args, kwargs)})"
        return self.learner.request(
            {"op": "call_method", "target": self.id, "name": method},
            shown,
            args=args,
            kwargs=kwargs,
        )

    def keep(self, method: str, *args: object, **kwargs: object) -> Observation:
        """Like `call`, but the result stays in the sandbox: its value is always a Handle."""
        shown = f"{self.origin}.{method}({_arguments(args, kwargs)})"
        return self.learner.request(
            {"op": "call_method", "target": self.id, "name": method, "keep": True},
            shown,
            args=args,
            kwargs=kwargs,
        )

    def invoke(self, *args: object, **kwargs: object) -> Observation:
        """Call the object itself (a class, a function): `money_class.invoke(1234, "EUR")`."""
        shown = f"{self.origin}({_arguments(args, kwargs)})"
        return self.learner.request(
            {"op": "call", "target": self.id}, shown, args=args, kwargs=kwargs
        )

    def get(self, attribute: str) -> Observation:
        return self.learner.request(
            {"op": "get", "target": self.id, "name": attribute}, f"{self.origin}.{attribute}"
        )

    def set(self, attribute: str, value: object) -> Observation:
        shown = f"{self.origin}.{attribute} = {_shown_value(value)}"
        return self.learner.request(
            {"op": "set", "target": self.id, "name": attribute},
            shown,
            value=value,
        )


@dataclass
class Learner:
    """One sandboxed learner process, its module loaded, with a time budget.

    `budget_seconds` is the exercise's time limit: the total time this judge may wait for
    the learner's code, start-up included. Past it the sandbox is killed and every later
    request raises SandboxTimeout, which the runner reports as `timeout`.
    """

    sandbox: Sandbox
    budget_seconds: float
    exercise_id: str = ""
    cell_start_line: int = 1  # the file line of the exercise cell's marker line
    defined_elsewhere: dict[str, str] = field(default_factory=dict)  # name → "cell 4"
    used_seconds: float = 0.0
    import_printed: str = ""  # what the cell printed while it was loaded
    module: Handle | None = None
    preload: tuple[str, ...] = ()  # imported before the cell loads (`spare.preload_for`)
    preloaded: tuple[str, ...] = ()  # those a spare sandbox imported ahead
    greeted: bool = False  # the sandbox answered `hello` (a spare did it ahead)
    _limit: float | None = None
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _gone: SandboxGone | None = None
    _helpers: dict[str, tuple[Handle, Handle]] = field(default_factory=dict)  # (module, helper)

    def start(self) -> None:
        """Start the sandbox (unless it is a spare, started ahead) and load the learner's
        module, or raise SubmissionBroken."""
        if self._gone is not None:
            raise self._gone
        if self.sandbox.process is None:
            began = time.monotonic()
            try:
                self.sandbox.start()
            finally:
                self.used_seconds += time.monotonic() - began
        self.greet()
        loaded = self.request(
            {"op": "load", "module": self.sandbox.module, "path": self.sandbox.submission_path},
            "your cell",
        )
        if loaded.raised is not None:
            line = loaded.raised.line or loaded.raised.at
            at = f" (at {where_in_source(line, self.cell_start_line)})" if line else ""
            message = loaded.moved or (
                f"Your cell could not run: it raised {loaded.raised.describe()}{at}."
            )
            self._fail(SubmissionBroken(message))
        module = loaded.handle
        module.origin = ""
        self.module = module
        self.import_printed = loaded.printed

    def greet(self) -> None:
        """Check the observer's protocol version, then import the modules of `preload`.

        Only module names travel, never learner code; what those imports print is dropped.
        A spare sandbox is greeted ahead, so here it only imports what it lacks.
        """
        if not self.greeted:
            hello = self.request({"op": "hello"}, "hello").value
            if not isinstance(hello, dict) or hello.get("version") != PROTOCOL_VERSION:
                self._fail(SandboxDied("The sandbox speaks another protocol version."))
            self.greeted = True
        missing = [name for name in self.preload if name not in self.preloaded]
        if missing:
            self.request({"op": "preload", "modules": missing}, "your first imports").value  # noqa: B018
            self.preloaded += tuple(missing)

    def call(self, name: str, *args: object, **kwargs: object) -> Observation:
        """Call the top-level function (or class) `name` of the learner's cell."""
        shown = f"{name}({_arguments(args, kwargs)})"
        return self.request(
            {"op": "call_method", "target": self._module().id, "name": name},
            shown,
            args=args,
            kwargs=kwargs,
        )

    def keep(self, name: str, *args: object, **kwargs: object) -> Observation:
        """Like `call`, but the result stays in the sandbox: its value is always a Handle.

        For identity and mutation checks: `learner.op("is", first, second)`, or call a
        method on the kept list and call the function again.
        """
        shown = f"{name}({_arguments(args, kwargs)})"
        return self.request(
            {"op": "call_method", "target": self._module().id, "name": name, "keep": True},
            shown,
            args=args,
            kwargs=kwargs,
        )

    def define(self, name: str, source: str) -> Handle:
        """Run a grader's helper code in the sandbox, as a module of its own; its handle.

        For objects a learner's code must receive that are not plain data: a class that
        counts comparisons, an object whose `__str__` raises. The code runs beside the
        learner's, so it must hold no expected value: learner code can read it.
        """
        self._module()
        defined = self.request({"op": "define", "module": name, "source": source}, name)
        if defined.raised is not None:
            raise RuntimeError(f"The grader's helper {name} raised {defined.raised.describe()}.")
        helper = defined.handle
        helper.origin = name
        return helper

    def helper(self, name: str, source: str) -> tuple[Handle, Handle]:
        """`define` once per loaded learner module: the helper's handle and the module's.

        A grader's scenarios ask for their helper module in every test; it is sent once,
        and again only after the sandbox restarted (a new learner module handle).
        """
        module = self._module()
        found = self._helpers.get(name)
        if found is None or found[0] is not module:
            found = self._helpers[name] = (module, self.define(name, source))
        return found[1], module

    @contextmanager
    def time_limit(self, seconds: float) -> Iterator[None]:
        """Within the block, a call running past `seconds` raises TooSlow (a failed check).

        The exercise's own budget still applies. After TooSlow the sandbox is started
        afresh on the next request: objects made before are gone.
        """
        previous, self._limit = self._limit, seconds
        try:
            yield
        finally:
            self._limit = previous

    def get(self, name: str) -> Observation:
        """A top-level name of the learner's cell: a class, a constant, a function."""
        return self.request({"op": "get", "target": self._module().id, "name": name}, name)

    def stdlib(self, name: str) -> Handle:
        """A standard-library module in the sandbox (`os`, `sqlite3`), not the learner's name.

        Learner code shares the process, so it can still patch the module itself; what
        this avoids is a learner cell that rebinds `os` changing what the grader talks to.
        """
        imported = self.request({"op": "import", "module": name}, name)
        if imported.raised is not None:
            raise RuntimeError(
                f"The sandbox could not import {name}: {imported.raised.describe()}."
            )
        found = imported.handle
        found.origin = name
        return found

    def setenv(self, name: str, value: str) -> None:
        """Set an environment variable in the learner's process (it starts with almost none)."""
        environ = self.stdlib("os").get("environ").handle
        environ.call("__setitem__", name, value).value  # noqa: B018 - raises if it failed

    def inside(self, name: str) -> str:
        """The path, as the learner's code sees it, of file `name` in the shared folder."""
        self._module()
        return f"{self.sandbox.shared_inside}/{name}"

    def read_shared(self, name: str, limit: int = 16 * 1024 * 1024) -> bytes:
        """The bytes of a file the learner's code wrote in the shared folder.

        The folder is the learner's to write: a symlink or anything but a regular file is
        refused (a symlink could point the judge at its own secrets), as is a file over
        `limit` bytes. Copy a file here before handing it to a library (sqlite3 follows
        symlinks).
        """
        if "/" in name or name in ("", ".", ".."):
            raise ValueError(f"{name!r} is not a plain file name.")
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            descriptor = os.open(self.sandbox.shared / name, flags)
        except OSError as error:
            raise LearnerFailure(
                f"The file {name} your code should have written is missing or not a plain "
                f"file ({error.strerror})."
            ) from None
        with os.fdopen(descriptor, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise LearnerFailure(f"{name} in the shared folder is not a plain file.")
            data = file.read(limit + 1)
        if len(data) > limit:
            raise LearnerFailure(f"{name} is larger than {limit:,} bytes.")
        return data

    def has(self, name: str) -> bool:
        return self.get(name).ok

    def op(self, operator: str, *operands: object) -> Observation:
        """Apply an operator in the sandbox: `learner.op("eq", a, b)`, `op("hash", a)`."""
        shown = _operator_text(operator, operands)
        return self.request({"op": "op", "name": operator}, shown, args=operands)

    def release(self, *handles: Handle) -> None:
        self.request({"op": "release", "handles": [handle.id for handle in handles]}, "release")

    def output(self) -> str:
        """What the learner's code wrote to its real stdout and stderr, capped."""
        return self.sandbox.output()

    def request(
        self,
        payload: dict[str, Any],
        shown: str,
        *,
        args: tuple[object, ...] = (),
        kwargs: dict[str, object] | None = None,
        **values: object,
    ) -> Observation:
        """Send one request and decode its answer; raise SandboxGone if the sandbox is gone."""
        if self._gone is not None:
            raise self._gone
        message = dict(payload, id=next(self._ids))
        if args:
            message["args"] = [encode(arg, self) for arg in args]
        if kwargs:
            message["kwargs"] = {key: encode(item, self) for key, item in kwargs.items()}
        for key, item in values.items():
            message[key] = encode(item, self)
        remaining = self.budget_seconds - self.used_seconds
        limit = self._limit
        wait = remaining if limit is None else min(remaining, limit)
        began = time.monotonic()
        try:
            answer = self.sandbox.request(message, wait)
        except SandboxTimeout as gone:
            if limit is not None and wait < remaining:
                self._restart()
                raise TooSlow(f"{shown} was still running after {limit:g} seconds.") from None
            self._fail(self._explain(gone))
        except SandboxGone as gone:
            self._fail(self._explain(gone))
        finally:
            self.used_seconds += time.monotonic() - began
        try:
            return self._observation(answer, message["id"], shown)
        except ProtocolFault as fault:
            self.sandbox.kill()
            # Not the fault's text: a forged answer may have written it (no learner text in logs).
            logger.warning(
                "A sandbox broke the protocol",
                extra={"exercise": self.exercise_id, "fault": type(fault).__name__},
            )
            self._fail(SandboxDied(BROKE_PROTOCOL))

    def _explain(self, gone: SandboxGone) -> SandboxGone:
        if isinstance(gone, SandboxTimeout):
            return SandboxTimeout(
                f"Your code did not finish within {self.budget_seconds:g} seconds "
                "(an endless loop, or a very slow one?)."
            )
        return gone

    def _observation(self, answer: dict[str, Any], number: int, shown: str) -> Observation:
        if answer.get("id") != number:
            raise ProtocolFault("An answer arrived for another request.")
        if "fault" in answer:
            raise ProtocolFault(check_text(answer["fault"], 2_000, "fault"))
        printed = check_text(answer.get("out", ""), 100_000, "captured output")
        if "ok" in answer:
            value = Decoder(self).decode(answer["ok"])
            if isinstance(value, Handle):
                value.origin = shown if shown.isidentifier() or "(" in shown else value.shown
            return Observation(
                shown=shown, returned=value, printed=printed, exercise_id=self.exercise_id
            )
        raised = answer.get("raised")
        if type(raised) is not dict:
            raise ProtocolFault("An answer has neither a value nor an exception.")
        classes = raised.get("class")
        if (
            type(classes) is not list
            or not 0 < len(classes) <= 16
            or not all(type(name) is str and len(name) <= 500 for name in classes)
        ):
            raise ProtocolFault("An exception arrived without valid class names.")
        errors = raised.get("errors", [])
        if type(errors) is not list or len(errors) > 50:
            raise ProtocolFault("An exception's errors are not a short list.")
        line, at, name = raised.get("line"), raised.get("at"), raised.get("name")
        found = Raised(
            classes=tuple(classes),
            message=check_text(raised.get("message", ""), 2_000, "exception message"),
            errors=tuple(_error_entry(entry) for entry in errors),
            line=line if type(line) is int else None,
            at=at if type(at) is int and at > 0 else None,
            missing_name=name if type(name) is str and len(name) <= 200 else None,
        )
        moved = ""
        if found.missing_name in self.defined_elsewhere and found.is_a(NameError):
            name = found.missing_name
            cell = self.defined_elsewhere[name]
            moved = (
                f"Your code uses {name!r}, which is defined in another cell ({cell}). An "
                "exercise is graded on its own cell plus the '# setup' cells only: move "
                f"{name!r} into the exercise cell of {self.exercise_id}."
            )
        return Observation(
            shown=shown,
            raised=found,
            printed=printed,
            where=where_in_source(found.at, self.cell_start_line) if found.at else "",
            moved=moved,
            exercise_id=self.exercise_id,
        )

    def _restart(self) -> None:
        """Kill this sandbox; the next request starts a fresh one on the same code."""
        self.sandbox.close()
        self.sandbox = self.sandbox.fresh()
        self.module = None
        self.greeted = False
        self.preloaded = ()

    def _module(self) -> Handle:
        if self.module is None:
            self.start()
        if self.module is None:
            raise SandboxDied("The learner's module is not loaded.")
        return self.module

    def _fail(self, gone: SandboxGone) -> NoReturn:
        self._gone = gone
        self.sandbox.kill()
        logger.info(
            "A learner's sandbox ended early",
            extra={
                "exercise_id": self.exercise_id,
                "status": gone.status,
                "reason": type(gone).__name__,
                "used_seconds": round(self.used_seconds, 3),
            },
        )
        raise gone

    def close(self) -> None:
        self.sandbox.close()


def where_in_source(file_line: int, cell_start_line: int) -> str:
    """`line 3 of the exercise cell`, or `the setup cell (line 2 of the file)`."""
    if file_line < cell_start_line:
        return f"the setup cell (line {file_line} of the file)"
    return f"line {file_line - cell_start_line + 1} of the exercise cell"


def _error_entry(entry: object) -> dict[str, Any]:
    if type(entry) is not dict:
        raise ProtocolFault("An exception's error entry is not an object.")
    loc = entry.get("loc", [])
    if type(loc) is not list or not all(type(part) is str for part in loc):
        raise ProtocolFault("An exception's error location is malformed.")
    return {
        "loc": list(loc),
        "msg": check_text(entry.get("msg", ""), 500, "error message"),
        "type": check_text(entry.get("type", ""), 100, "error type"),
    }


def _shown_value(value: object) -> str:
    if isinstance(value, Handle):
        return value.origin or value.shown
    return repr(value)


def _arguments(args: tuple[object, ...], kwargs: dict[str, object]) -> str:
    parts = [_shown_value(arg) for arg in args]
    parts += [f"{key}={_shown_value(item)}" for key, item in kwargs.items()]
    return ", ".join(parts)


_INFIX = {
    "add": "+", "sub": "-", "mul": "*", "truediv": "/", "floordiv": "//", "mod": "%",
    "pow": "**", "eq": "==", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
    "is": "is",
}  # fmt: skip


def _operator_text(operator: str, operands: tuple[object, ...]) -> str:
    shown = [_shown_value(operand) for operand in operands]
    if operator in _INFIX and len(shown) == 2:
        return f"{shown[0]} {_INFIX[operator]} {shown[1]}"
    if operator == "neg" and len(shown) == 1:
        return f"-{shown[0]}"
    if operator == "contains" and len(shown) == 2:
        return f"{shown[1]} in {shown[0]}"
    if operator == "getitem" and len(shown) == 2:
        return f"{shown[0]}[{shown[1]}]"
    return f"{operator}({', '.join(shown)})"
