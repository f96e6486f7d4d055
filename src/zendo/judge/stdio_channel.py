"""The judge's end of a sandbox's protocol over the child's stdin and stdout, with threads.

On Linux and macOS the judge talks to the observer over two extra pipes passed by file
descriptor and waits on them with `select`. Windows has neither: `Popen(pass_fds=...)`
is POSIX-only and `select` works on sockets only. There, the observer takes its
requests on stdin and answers on stdout (it moves the learner's own stdout aside first,
see `observer.__main__`), and this channel reads and writes those pipes from two
daemon threads, so every wait still has a deadline the learner's code cannot stretch.

Tests force this channel on Linux (`Sandbox(..., stdio=True)`), so the path Windows
takes runs in `make test`.

Usage:
    channel = StdioChannel(process, max_line=16_000_000)   # Popen with stdin/stdout PIPE
    channel.write(b'{"op": "ping"}\\n', deadline)           # deadline: time.monotonic()
    line = channel.read_line(deadline)                     # without its newline
    channel.close()
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import threading
import time
from typing import IO

_CHUNK = 1 << 16


class ChannelTimeout(Exception):  # noqa: N818 - a state of the conversation, like TimeoutError
    """The deadline passed before the other side read or answered."""


class ChannelClosed(Exception):  # noqa: N818 - a state of the conversation
    """The other side closed its end, or sent a line longer than the protocol allows."""


class ChannelOverflow(ChannelClosed):
    """The other side sent a line longer than the protocol allows."""


class _Oversized:
    """Put on the line queue when an answer grew past the cap without a newline."""


_CLOSED = None
_OVERSIZED = _Oversized()


class StdioChannel:
    """Line-based requests and answers over a child's stdin and stdout, each wait bounded."""

    def __init__(self, process: subprocess.Popen[bytes], *, max_line: int) -> None:
        if process.stdin is None or process.stdout is None:
            raise ValueError("StdioChannel needs a process started with stdin=PIPE, stdout=PIPE.")
        self._to_child: IO[bytes] = process.stdin
        self._from_child: IO[bytes] = process.stdout
        self._max_line = max_line
        self._lines: queue.Queue[bytes | _Oversized | None] = queue.Queue()
        self._writes: queue.Queue[bytes | None] = queue.Queue()
        self._written = threading.Event()
        self._write_failed = threading.Event()
        self._reader = threading.Thread(target=self._read_forever, daemon=True)
        self._writer = threading.Thread(target=self._write_forever, daemon=True)
        self._reader.start()
        self._writer.start()

    def write(self, data: bytes, deadline: float) -> None:
        """Hand `data` to the child; raise ChannelTimeout if it is not taken by `deadline`."""
        if self._write_failed.is_set():
            raise ChannelClosed("The sandbox closed its input.")
        self._written.clear()
        self._writes.put(data)
        # A child that never reads fills the pipe and blocks the writer thread, not us.
        if not self._written.wait(max(deadline - time.monotonic(), 0.0)):
            raise ChannelTimeout("The sandbox did not read its request in time.")
        if self._write_failed.is_set():
            raise ChannelClosed("The sandbox closed its input.")

    def read_line(self, deadline: float) -> bytes:
        """The next line the child wrote, without its newline; bounded by `deadline`."""
        try:
            line = self._lines.get(timeout=max(deadline - time.monotonic(), 0.0))
        except queue.Empty:
            raise ChannelTimeout("The sandbox did not answer in time.") from None
        if line is _CLOSED:
            self._lines.put(_CLOSED)  # every later read sees the end too
            raise ChannelClosed("The sandbox closed its output.")
        if isinstance(line, _Oversized):
            self._lines.put(line)
            raise ChannelOverflow("The sandbox sent an answer larger than the protocol allows.")
        return line

    def close(self) -> None:
        """Close our ends; the threads end when their pipes do (the child is killed first)."""
        self._writes.put(None)
        for stream in (self._to_child, self._from_child):
            with contextlib.suppress(OSError, ValueError):
                stream.close()

    def _read_forever(self) -> None:
        buffer = b""
        try:
            while True:
                chunk = os.read(self._from_child.fileno(), _CHUNK)  # what is there, at once
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    line, _, buffer = buffer.partition(b"\n")
                    self._lines.put(line)
                if len(buffer) > self._max_line:
                    self._lines.put(_OVERSIZED)
                    return
        except (OSError, ValueError):  # our own close() while reading
            pass
        self._lines.put(_CLOSED)

    def _write_forever(self) -> None:
        while True:
            data = self._writes.get()
            if data is None:
                return
            try:
                self._to_child.write(data)
                self._to_child.flush()
            except (OSError, ValueError):  # BrokenPipeError included: the child is gone
                self._write_failed.set()
            self._written.set()
