"""The grading child: `python -m zendo._child JOB.json`, or a fork of the warm server.

Runs in its own session, in a fresh working directory that holds only the learner's
code. It caps its own resources before any learner code is loaded, runs the graders with
pytest (no plugin autoloading, no cache, an ini file of its own so the course's pytest
settings do not apply), and writes outcomes to the results file named in the job.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
from pathlib import Path

# Exit codes the engine reads: anything else means the child died on its own.
EXIT_DONE = 0
EXIT_INTERNAL = 3


def _cap_resources(limits: dict[str, int]) -> None:
    megabyte = 1024 * 1024
    caps = {
        resource.RLIMIT_AS: limits["memory_mb"] * megabyte,
        resource.RLIMIT_FSIZE: limits["max_file_mb"] * megabyte,
        resource.RLIMIT_NPROC: limits["max_processes"],
        resource.RLIMIT_CORE: 0,
    }
    for kind, value in caps.items():
        _soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value))
    # A write past the file-size cap should fail with an error, not kill the child.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _configure_hypothesis(examples: int) -> None:
    from hypothesis import HealthCheck, settings

    # Derandomized with no example database: the same code gets the same verdict in
    # the notebook, on the command line and in CI, today and next week.
    settings.register_profile(
        "zendo",
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=examples,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    settings.load_profile("zendo")


def run_job(job_path: Path) -> int:
    """Grade the job described in `job_path`, in the current working directory."""
    job = json.loads(job_path.read_text(encoding="utf-8"))
    workdir = Path.cwd()
    _cap_resources(job["limits"])
    _configure_hypothesis(int(job["hypothesis_examples"]))

    import pytest

    from zendo._plugin import ZendoPlugin

    ini = workdir / ".zendo-pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    plugin = ZendoPlugin(
        exercises=job["exercises"],
        workdir=workdir,
        result_path=Path(job["result_path"]),
        max_output=int(job["max_output_chars"]),
    )
    # Results travel through the plugin, so pytest's terminal output and the plugins a
    # grading run never uses are switched off: each one costs start-up time per check.
    args = [*job["grader_files"], "-c", str(ini), "--rootdir", str(workdir)]
    for unused in ("terminal", "cacheprovider", "stepwise", "doctest", "junitxml", "pastebin"):
        args += ["-p", f"no:{unused}"]
    code = pytest.main(args, plugins=[plugin])
    # pytest's own codes: 0 all passed, 1 some failed, 5 nothing collected. Anything else
    # (2 interrupted, 3 internal, 4 usage) means the graders could not run as written.
    return EXIT_DONE if code in (0, 1, 5) else EXIT_INTERNAL


if __name__ == "__main__":
    sys.stdout.flush()
    code = run_job(Path(sys.argv[1]))
    sys.stdout.flush()
    # os._exit skips atexit handlers and finalizers a learner may have registered.
    os._exit(code)
