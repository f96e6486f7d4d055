"""Stand-ins put first on the sandbox's `sys.path` (this folder holds a `zendo` package)."""

from __future__ import annotations
