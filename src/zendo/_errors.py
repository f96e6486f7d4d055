"""The exceptions the engine raises for faults that are not the learner's.

A learner's mistake (a failing test, a crash, a timeout) is never an exception: it is a
result with a status. These exceptions are for bad course data, bad input files and
infrastructure faults, and each message names the bad value and the next step.

    ZendoError
    ├── CourseError        the course's own files are wrong (lesson data, graders, solutions)
    ├── InputError         a file or name given by the user cannot be used
    │   └── NotebookError  a notebook cannot be read or holds no exercise cells
    └── SandboxError       the child process could not be started or spoke nonsense
"""

from __future__ import annotations


class ZendoError(Exception):
    """Base class of every error the engine raises on purpose."""


class CourseError(ZendoError):
    """The course's own files are invalid; the author must fix them."""


class InputError(ZendoError):
    """A path, id or option given by the user cannot be used."""


class NotebookError(InputError):
    """A notebook cannot be read, is too old, or holds no exercise cells."""


class SandboxError(ZendoError):
    """The grading child process could not be run or returned unreadable results."""
