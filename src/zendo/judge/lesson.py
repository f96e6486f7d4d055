"""The engine's side of a v2 judge: write a lesson's job, run a judge on it, read its results.

`judge_lesson` writes the job file (`judge.job`) in a scratch folder of its own and runs
it in the notebook's warm judge, or else in a one-job judge process
(`python -P -m zendo.judge.runner`, or the one the console script spawned ahead). That
process never executes learner code (`judge.runner`). Its results come back as a JSON
file, validated here with pydantic on arrival: they carry messages graders wrote about
learner code, and a missing or malformed file is an internal fault, never a verdict.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from zendo._extract import ExerciseSource, module_name
from zendo._limits import Limits
from zendo._results import ChildOutcome
from zendo.judge.job import ExerciseSpec, JudgeJob
from zendo.judge.prestart import judge_environment, take_prestarted
from zendo.judge.runner import ONE_JOB_MODULE
from zendo.judge.sandbox import Isolation, choose_isolation, stdio_needed
from zendo.judge.scratch import scratch_folder
from zendo.judge.warm import WarmJudge, WarmJudgeError

logger = logging.getLogger(__name__)

# Beyond the exercises' own limits (which hold inside, per sandbox): tools, start-up. A
# busy machine (another learner's code burning every core) slows the judge; that must
# not become this learner's verdict, so the slack is generous (a tool's two attempts).
RUNNER_SLACK_SECONDS = 600.0
# The judge itself overran: never a verdict on the learner's code, which has its own limit.
JUDGE_OVERRAN = (
    "Grading did not finish in time: the grading machine was too busy or a grader is too "
    "slow. This is not a verdict on your code; check again later, or ask your instructor "
    "to grade again."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JudgeResults(_Model):
    outcomes: list[ChildOutcome]
    collected: dict[str, dict[str, int]]
    exit_code: int
    problems: list[str] = []


@dataclass(frozen=True)
class JudgeRun:
    """What one judge run produced: outcomes per test, tests per exercise, how it ended."""

    outcomes: list[ChildOutcome]
    collected: dict[str, dict[str, int]]
    fate: str  # "finished", "timeout" (the judge itself overran) or "internal"
    detail: str = ""
    isolation: Isolation = Isolation.BUBBLEWRAP


def judge_lesson(
    grader_files: Sequence[Path],
    sources: Mapping[str, ExerciseSource],
    timeouts: Mapping[str, float],
    limits: Limits,
    *,
    allow_unsandboxed: bool = False,
    warm: WarmJudge | None = None,
    hidden: Sequence[Path] = (),
    stdio: bool | None = None,
) -> JudgeRun:
    """Grade `sources` (by exercise id) with the lesson's v2 grader modules.

    With `warm`, the job runs in a fresh child of that warm judge (same `run_job`, without
    the imports); otherwise in a new judge process. The outcomes of the modules in
    `hidden` (also listed in `grader_files`) are marked hidden. `stdio` runs each
    sandbox's protocol over its stdin and stdout, as it must on Windows (default: only
    there); tests force it on Linux.
    """
    isolation = choose_isolation(allow_unsandboxed=allow_unsandboxed)
    with tempfile.TemporaryDirectory(prefix="zendo-judge-", dir=scratch_folder()) as folder:
        results_path = Path(folder) / "results.json"
        job = JudgeJob(
            grader_files=[str(grader.resolve()) for grader in grader_files],
            hidden_files=[str(grader.resolve()) for grader in hidden],
            exercises=[
                ExerciseSpec(
                    exercise_id=exercise_id,
                    module=module_name(exercise_id),
                    source=source.source,
                    cell_start_line=source.cell_start_line,
                    timeout_seconds=timeouts[exercise_id],
                    defined_elsewhere=dict(source.defined_elsewhere),
                )
                for exercise_id, source in sources.items()
            ],
            memory_mb=limits.memory_mb,
            max_file_mb=limits.max_file_mb,
            max_processes=limits.max_processes,
            max_output_chars=limits.max_output_chars,
            isolation=isolation,
            stdio=stdio_needed() if stdio is None else stdio,
            results_path=str(results_path),
        )
        job_path = Path(folder) / "job.json"
        job_path.write_text(job.to_json(), encoding="utf-8")
        hard_limit = sum(timeouts.values()) + RUNNER_SLACK_SECONDS
        if warm is not None:
            try:
                code = warm.run(job_path, hard_limit=hard_limit)
            except WarmJudgeError as error:
                logger.warning("The warm judge failed; judging cold", extra={"why": str(error)})
            else:
                if code is None:
                    return JudgeRun([], {}, "timeout", JUDGE_OVERRAN, isolation)
                return _collect(results_path, job_path.parent / "judge.log", isolation)
        process, job_line, its_folder = _one_job_judge(job_path, folder)
        try:
            log, _ = process.communicate(job_line, timeout=hard_limit)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                if hasattr(os, "killpg"):
                    os.killpg(process.pid, signal.SIGKILL)
                else:  # Windows: no process groups to kill; the judge itself
                    process.kill()
            process.communicate()
            return JudgeRun([], {}, "timeout", JUDGE_OVERRAN, isolation)
        finally:
            if its_folder is not None:
                its_folder.cleanup()
        (Path(folder) / "judge.log").write_bytes(log)
        return _collect(results_path, Path(folder) / "judge.log", isolation)


def _one_job_judge(
    job_path: Path, folder: str
) -> tuple[subprocess.Popen[bytes], bytes | None, tempfile.TemporaryDirectory[str] | None]:
    """A judge process for this one job, what to write to its stdin, and its own folder.

    The one `zendo check` spawned before the engine was imported (`judge.prestart`) if
    there is one, told the job's path on stdin (its working folder is removed after
    it); otherwise a new one working in the job's folder, given the path on argv.
    """
    spawned = take_prestarted(ONE_JOB_MODULE)
    if spawned is not None:
        logger.info("Adopted a judge spawned before the engine", extra={"server": "judge"})
        return spawned.process, f"{job_path}\n".encode(), spawned.folder
    command = [sys.executable, "-P", "-m", ONE_JOB_MODULE, str(job_path)]
    process = subprocess.Popen(  # noqa: S603 - fixed argv, trusted job file
        command,
        cwd=folder,
        env=judge_environment(folder),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=hasattr(os, "setsid"),
    )
    return process, None, None


def _collect(results_path: Path, log_path: Path, isolation: Isolation) -> JudgeRun:
    """Read and validate a judge's results file; a missing or bad one is an internal fault."""
    try:
        results = JudgeResults.model_validate_json(results_path.read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        with contextlib.suppress(OSError):
            text = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            return JudgeRun([], {}, "internal", f"The judge process failed: {text}", isolation)
        return JudgeRun([], {}, "internal", "The judge process failed silently.", isolation)
    detail = "; ".join(results.problems)
    fate = "finished" if results.exit_code in (0, 1, 5) and not results.problems else "internal"
    return JudgeRun(results.outcomes, results.collected, fate, detail, isolation)
