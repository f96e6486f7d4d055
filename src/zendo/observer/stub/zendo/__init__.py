"""A stand-in for `zendo` inside the sandbox, where the real engine is not mounted.

A lesson's `# setup` cell imports `zendo.notebook` to give the learner `check()` and
friends; while grading, that cell runs in the sandbox too, so the import must work.
"""

from __future__ import annotations
