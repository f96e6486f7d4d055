"""Zendo: a Jupyter course in professional Python engineering, and its grading engine.

The public API is small on purpose; everything else lives in private modules.
`import zendo` stays light: no pytest, no notebook libraries.
"""

from __future__ import annotations

from zendo._errors import CourseError, InputError, NotebookError, SandboxError, ZendoError

__version__ = "0.1.0"

__all__ = [
    "CourseError",
    "InputError",
    "NotebookError",
    "SandboxError",
    "ZendoError",
    "__version__",
]
