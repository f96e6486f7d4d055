"""Each test's soft time limit inside the grading child: SIGALRM, or a watchdog thread.

Where the system has `SIGALRM` (Linux, macOS), an interval timer interrupts the test with
a signal, even inside a blocking call such as `time.sleep`. Elsewhere (Windows, or the
portable path forced in tests) a watchdog thread asks the main thread to stop with
`_thread.interrupt_main`: that interrupts running Python code, but not a call blocked
in C (a long `sleep`, a read); such a test runs on until the parent's hard limit kills
the whole child, and the exercise's result says so.
"""

from __future__ import annotations

import _thread
import signal
import threading
from types import FrameType

# The child sets this from the job (`configure`); until then, whatever the system has.
_use_alarm = hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")
_lock = threading.Lock()
# The watchdog's arming: a fresh token per limit; `_fired` is the token it interrupted.
_armed: object | None = None
_fired: object | None = None


class SoftTimeout(BaseException):
    """Raised in a test that ran past its exercise's time limit.

    A BaseException, so that a learner's `except Exception:` cannot swallow it; code that
    swallows even this is stopped by the engine's hard timeout instead.
    """


def configure(*, alarm: bool) -> None:
    """Choose the mechanism once, before any test runs (the child calls this)."""
    global _use_alarm
    _use_alarm = alarm


class time_limit:  # noqa: N801 - used like a function, as contextlib helpers are
    """Raise SoftTimeout in the main thread after `seconds`.

    Usage:
        with time_limit(3.0):
            run_learner_code()
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._timer: threading.Timer | None = None

    def __enter__(self) -> None:
        if _use_alarm:
            signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            return
        global _armed
        # Installed for good, not restored: an interrupt that arrives just after the limit
        # was lifted must find a handler that ignores it, not KeyboardInterrupt.
        signal.signal(signal.SIGINT, _on_interrupt)
        token = object()
        with _lock:
            _armed = token
        self._timer = threading.Timer(self.seconds, _fire, args=(token,))
        self._timer.daemon = True
        self._timer.start()

    def __exit__(self, *exc_info: object) -> None:
        if _use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        global _armed
        with _lock:
            _armed = None
        if self._timer is not None:
            self._timer.cancel()


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise SoftTimeout


def _fire(token: object) -> None:
    """In the watchdog thread: interrupt the main thread if this limit is still armed."""
    global _fired
    with _lock:
        if _armed is token:
            _fired = token
            _thread.interrupt_main(signal.SIGINT)


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    """In the main thread: stop the test only if the limit that fired is still armed."""
    global _armed
    if _fired is not None and _fired is _armed:
        _armed = None
        raise SoftTimeout
