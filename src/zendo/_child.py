"""The grading child: `python -m zendo._child JOB.json`, or a fork of the warm server.

Runs in its own session (where the system has sessions), in a fresh working directory
that holds only the learner's code. It confines itself (`_confine.py`) before any learner
code is loaded, runs the graders with pytest (no plugin autoloading, no cache, an ini file
of its own so the course's pytest settings do not apply), and writes outcomes to the
results file named in the job. The job also says what the system offers
(`_platform.py`): which soft time limit each test gets, and whether printed output needs
capturing in bounded memory because no file-size cap exists.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from zendo import _softlimit
from zendo._confine import confine
from zendo._platform import Platform

# Exit codes the engine reads: anything else means the child died on its own.
EXIT_DONE = 0
EXIT_INTERNAL = 3  # the graders could not run, before any learner code was loaded
EXIT_BROKEN_BY_LEARNER = 4  # pytest itself failed after learner code was loaded


def _configure_hypothesis(examples: int) -> None:
    from hypothesis import HealthCheck, Phase, settings

    # Derandomized with no example database: the same code gets the same verdict in
    # the notebook, on the command line and in CI, today and next week.
    settings.register_profile(
        "zendo",
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=examples,
        print_blob=False,
        # The explain phase costs a second or more per failing property: a learner
        # needs the failing example, which the shrink phase already found.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    settings.load_profile("zendo")


def run_job(job_path: Path, nonce: str) -> int:
    """Grade the job described in `job_path`, in the current working directory.

    `nonce` marks every outcome line, so the engine can tell them from lines that learner
    code writes; it never touches the disk.
    """
    job = json.loads(job_path.read_text(encoding="utf-8"))
    workdir = Path.cwd()
    # Opened before confinement: the unprivileged child can write it but not reopen it.
    results = Path(job["result_path"]).open("a", encoding="utf-8")  # noqa: SIM115
    confine(job["plan"])
    platform = Platform.from_json(job.get("platform"))
    _softlimit.configure(alarm=platform.alarm)
    _configure_hypothesis(int(job["hypothesis_examples"]))

    import pytest

    from zendo._plugin import ZendoPlugin

    ini = workdir / ".zendo-pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    plugin = ZendoPlugin(
        exercises=job["exercises"],
        workdir=workdir,
        results=results,
        nonce=nonce,
        max_output=int(job["max_output_chars"]),
    )
    # Results travel through the plugin, so pytest's terminal output and the plugins a
    # grading run never uses are switched off: each one costs start-up time per check.
    # Plain asserts: graders speak through expect(), and the warm server's pre-imported
    # graders could not be rewritten, so both paths run graders the same way.
    args = [*job["grader_files"], "-c", str(ini), "--rootdir", str(workdir), "--assert=plain"]
    # unraisableexception and threadexception run gc.collect twice at exit (about 60 ms).
    unused_plugins = (
        "terminal", "cacheprovider", "stepwise", "doctest", "junitxml", "pastebin",
        "unraisableexception", "threadexception",
    )  # fmt: skip
    for unused in unused_plugins:
        args += ["-p", f"no:{unused}"]
    plugins: list[object] = [plugin]
    if not platform.rlimits:
        from zendo._capture import BoundedCapture

        # No file-size cap: pytest's capture file could grow without bound; capture in
        # bounded memory instead.
        args.append("--capture=no")
        plugins.append(BoundedCapture(int(job["max_output_chars"])))
    try:
        code = pytest.main(args, plugins=plugins)
    except BaseException:
        code = pytest.ExitCode.INTERNAL_ERROR
    # pytest's own codes: 0 all passed, 1 some failed, 5 nothing collected. Anything else
    # (2 interrupted, 3 internal, 4 usage) means pytest could not finish: the course's
    # fault if it happened before learner code was loaded, else the learner's code broke it.
    if code in (0, 1, 5):
        return EXIT_DONE
    return EXIT_BROKEN_BY_LEARNER if plugin.modules else EXIT_INTERNAL


if __name__ == "__main__":
    sys.stdout.flush()
    # The nonce arrives on standard input, never in arguments, environment or files.
    code = run_job(Path(sys.argv[1]), sys.stdin.readline().strip())
    sys.stdout.flush()
    # os._exit skips atexit handlers and finalizers a learner may have registered.
    os._exit(code)
