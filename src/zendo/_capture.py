"""Bounded capture of a test's printed output, for systems without a file-size cap.

pytest captures a test's output in a temporary file; where `resource` is missing
(Windows, or the portable path forced in tests) nothing caps that file, so a learner's
print loop could fill the disk before the time limit. There the child runs pytest with
`--capture=no` and this plugin catches `sys.stdout` and `sys.stderr` in memory instead,
keeping at most a fixed amount per test phase; the report carries it as pytest's own
capture would, so the grading plugin reads it the same way. Output written below Python
(`os.write`, a subprocess) goes to the child's own pipes, which the parent reads bounded.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Generator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

_NOTE_ROOM = 80


class _Sink(io.RawIOBase):
    """Keeps the first `limit` bytes written to it and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.kept = bytearray()
        self.limit = limit
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        chunk = bytes(data)
        room = max(0, self.limit - len(self.kept))
        self.kept += chunk[:room]
        self.dropped += max(0, len(chunk) - room)
        return len(chunk)


class _BoundedStream(io.TextIOWrapper):
    """A text stream like `sys.stdout` (with `.buffer`), whose content is bounded."""

    def __init__(self, limit: int) -> None:
        self.sink = _Sink(limit)
        super().__init__(
            io.BufferedWriter(self.sink),
            encoding="utf-8",
            errors="backslashreplace",
            write_through=True,
        )

    def captured(self) -> str:
        self.flush()
        text = self.sink.kept.decode("utf-8", "replace")
        if self.sink.dropped:
            text += f"\n[... {self.sink.dropped} more bytes of output cut]"
        return text


class BoundedCapture:
    """pytest plugin: each test phase's `sys.stdout`/`sys.stderr`, at most `max_chars` each."""

    def __init__(self, max_chars: int) -> None:
        self.limit = max(0, max_chars - _NOTE_ROOM)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, object, object]:
        return (yield from self._capture(item, "setup"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        return (yield from self._capture(item, "call"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, object, object]:
        return (yield from self._capture(item, "teardown"))

    def _capture(self, item: pytest.Item, when: str) -> Generator[None, object, object]:
        out, err = _BoundedStream(self.limit), _BoundedStream(self.limit)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            return (yield)
        finally:
            sys.stdout, sys.stderr = saved
            item.add_report_section(when, "stdout", out.captured())
            item.add_report_section(when, "stderr", err.captured())
