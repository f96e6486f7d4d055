"""The limits a grading child process runs under."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """How much time, memory and output one grading run may use.

    Usage:
        Limits(timeout_seconds=10, memory_mb=1024, max_output_chars=10_000)

    `timeout_seconds` bounds the whole child process: past it, the process group is
    killed (the child alone on Windows) and every exercise still running gets a `timeout`
    result. Each test also has a soft limit (its exercise's `timeout_seconds`), so one
    endless loop costs one test, not the whole run. `memory_mb` caps the child's address
    space; `max_output_chars` caps what the learner's prints may add to a message;
    `max_file_mb` caps any file the child writes; `max_processes` caps its processes.
    The memory, file and process caps apply only where the system has them (see the
    README's Platforms table).
    """

    # Built on first use: judges import this module but never make a Limits, and
    # building it at import (about 4 ms, pydantic's first model) delays every judge.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    memory_mb: int = Field(default=2048, ge=64, le=65536)
    max_output_chars: int = Field(default=10_000, ge=100, le=10_000_000)
    max_file_mb: int = Field(default=64, ge=1, le=10_240)
    max_processes: int = Field(default=64, ge=1, le=4096)
