"""The log records a learner's code emitted in its sandbox, brought back as data.

A grader that checks how code logs (the message, its level, whether the values were
passed as arguments) installs a recorder in the sandbox, calls the learner's code, and
reads what was recorded: plain values, checked here with exact types. The recorder runs
beside learner code, so it holds no expected value; what it reports is what the
learner's own code did, which the learner can always misreport.

Usage:
    logs = capture_logs(learner)          # records every level from now on
    learner.call("ship", 42).value
    [entry] = [e for e in logs.entries() if e.level == logging.INFO]
    entry.message, entry.template, entry.has_args
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from zendo.judge.client import Handle, Learner, LearnerFailure

# Sent into the sandbox. Installing it again replaces the earlier recorder.
_RECORDER_SOURCE = '''\
import logging


class ZendoRecorder(logging.Handler):
    """Keeps each record's level, logger, template, arguments and message as plain data."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.entries = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception as error:
            message = f"<the message could not be formatted: {type(error).__name__}>"
        try:
            template = str(record.msg)
        except Exception as error:
            template = f"<str() of the message failed: {type(error).__name__}>"
        self.entries.append(
            [int(record.levelno), str(record.name), template, bool(record.args), str(message)]
        )

    def taken(self):
        entries, self.entries = self.entries, []
        return entries


def install(level):
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler).__name__ == "ZendoRecorder":
            root.removeHandler(handler)
    recorder = ZendoRecorder()
    root.addHandler(recorder)
    root.setLevel(level)
    return recorder
'''


@dataclass(frozen=True)
class LogEntry:
    """One log record as the learner's code emitted it."""

    level: int  # logging.INFO is 20
    logger: str  # the logger's name
    template: str  # str(record.msg): the message before its arguments are filled in
    has_args: bool  # whether arguments were passed for the placeholders
    message: str  # record.getMessage(): the text a handler would write


class LogCapture:
    """A recorder installed on the root logger of the learner's sandbox."""

    def __init__(self, recorder: Handle) -> None:
        self.recorder = recorder

    def entries(self) -> list[LogEntry]:
        """The records emitted since the last call (or since the capture began)."""
        raw = self.recorder.call("taken").value
        if type(raw) is not list:
            raise LearnerFailure("The log records of your code could not be read back.")
        return [_entry(item) for item in raw]


def capture_logs(learner: Learner, level: int = logging.DEBUG) -> LogCapture:
    """Record every log record at `level` or above from now on (the root logger's level too)."""
    helper = learner.define("zendo_log_capture", _RECORDER_SOURCE)
    return LogCapture(helper.keep("install", level).handle)


def _entry(item: object) -> LogEntry:
    if type(item) is list and len(item) == 5:
        level, name, template, has_args, message = item
        if (
            type(level) is int
            and type(name) is str
            and type(template) is str
            and type(has_args) is bool
            and type(message) is str
        ):
            return LogEntry(level, name, template, has_args, message)
    raise LearnerFailure("The log records of your code could not be read back.")
