"""`zendo.notebook` while grading: every notebook function is there and does nothing.

The graded source is the setup cells plus one exercise cell; check, hint, progress,
solution and quiz cells are never part of it, so nothing here is called by the judge.
A learner's exercise cell that calls one anyway gets None and a short note.
"""

from __future__ import annotations

from collections.abc import Callable


def _inactive(name: str) -> Callable[..., None]:
    def inactive(*args: object, **kwargs: object) -> None:
        print(f"(zendo.notebook.{name} does nothing while your code is being graded)")

    inactive.__name__ = name
    return inactive


def __getattr__(name: str) -> Callable[..., None]:
    if name.startswith("__"):
        raise AttributeError(name)
    return _inactive(name)
