"""The `zendo` console script: start the command's judge, then import the engine.

`zendo grade` needs a batch judge process (`zendo.judge.batch_start`), `zendo check`
a one-job judge (`zendo.judge.runner`) and `zendo watch` a warm judge (`zendo.judge.warm`),
which spend about 0.2 s importing pytest before they can judge; the engine spends about
0.15 s importing itself and reading the course before it has a job for them. Spawned
here, before the engine is imported, the judge's imports overlap all of the engine's
(`judge.prestart`). Every other command goes straight to `zendo.cli`. Nothing but the
standard library (and `judge.prestart`, which uses nothing else) is imported before that.
"""

from __future__ import annotations

import sys

# The `zendo` group's options that take a value: what comes after them is not a command.
GROUP_OPTIONS_WITH_VALUES = frozenset({"--course"})
BATCH_JUDGE = ("zendo.judge.batch_start", "batch judge")  # `zendo grade`'s
ONE_JOB_JUDGE = ("zendo.judge.runner", "judge")  # `zendo check`'s, a cold judge
WARM_JUDGE = ("zendo.judge.warm", "warm judge")  # `zendo watch`'s, as a notebook's


def command_of(arguments: list[str]) -> str | None:
    """The subcommand `arguments` (without the program's name) run, if any."""
    skip = False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--":
            return None
        elif argument in GROUP_OPTIONS_WITH_VALUES:
            skip = True
        elif not argument.startswith("-"):
            return argument
    return None


def wants_batch_judge(arguments: list[str]) -> bool:
    """Whether these arguments grade submissions on a system that keeps warm judges."""
    return _wants_forking_judge(arguments, "grade")


def wants_warm_judge(arguments: list[str]) -> bool:
    """Whether these arguments watch a notebook on a system that keeps warm judges."""
    return _wants_forking_judge(arguments, "watch")


def _wants_forking_judge(arguments: list[str], command: str) -> bool:
    if command_of(arguments) != command or "--help" in arguments:
        return False
    from zendo.judge.prestart import fork_available  # standard library only

    return fork_available()


def wants_one_job_judge(arguments: list[str]) -> bool:
    """Whether these arguments check exercises (a judge for one job, on any system)."""
    return command_of(arguments) == "check" and "--help" not in arguments


def main() -> None:
    """Entry point of the `zendo` console script (and of `python -m zendo`)."""
    arguments = sys.argv[1:]
    if wants_batch_judge(arguments):
        from zendo.judge.prestart import prestart

        prestart(*BATCH_JUDGE)
    elif wants_one_job_judge(arguments):
        from zendo.judge.prestart import prestart

        prestart(*ONE_JOB_JUDGE, log_on_stdout=True)
    elif wants_warm_judge(arguments):
        from zendo.judge.prestart import prestart

        prestart(*WARM_JUDGE)
    from zendo.cli import main as run_cli

    run_cli()
