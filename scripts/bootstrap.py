"""Set up the course's virtual environment: the first step of `make lab` and `make test`.

Runs with whatever Python the learner has, before anything is installed, so it uses the
standard library only. It says what it is doing and roughly how long it takes, and when
something is missing it says what to do, in one paragraph instead of a traceback:

    python3 scripts/bootstrap.py VENV lab    # what a learner needs: the course in JupyterLab
    python3 scripts/bootstrap.py VENV test   # plus the test tools (nbval, Playwright, ...)

It must run, and say "too old", on any Python 3: no `from __future__ import annotations`,
no syntax newer than 3.6.
"""

import subprocess
import sys
import time
from pathlib import Path

MINIMUM = (3, 11)
EXTRAS = {"lab": "lab", "test": "lab,dev"}
ROUGH_MINUTES = {"lab": "1-3", "test": "2-5"}
ROOT = Path(__file__).resolve().parent.parent


def _stop(message: str) -> None:
    print(f"\nZendo set-up stopped: {message}", file=sys.stderr)
    raise SystemExit(1)


def _check_python() -> None:
    if sys.version_info < MINIMUM:
        found = ".".join(map(str, sys.version_info[:3]))
        _stop(
            f"the course needs Python 3.11 or newer, and this is {found} ({sys.executable}).\n"
            "Install a newer Python (python.org, your package manager, or pyenv), then run\n"
            "    make lab PYTHON=python3.12\n"
            "naming that interpreter. See README.md, 'When set-up fails'."
        )
    try:
        import ensurepip  # noqa: F401 - only probing that venv can bootstrap pip
        import venv  # noqa: F401
    except ImportError:
        _stop(
            "this Python has no 'venv' module with pip (Debian and Ubuntu ship it apart).\n"
            f"Install it, e.g. 'sudo apt install python3.{sys.version_info[1]}-venv', "
            "then run the same make command again."
        )


def _run(step: str, command: "list[str]") -> None:
    print(f"  {step} ...", flush=True)
    result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 - fixed commands
    if result.returncode != 0:
        _stop(
            f"'{' '.join(command)}' failed (exit {result.returncode}) while trying to {step}.\n"
            "Most often pip could not reach the package index: check your network or proxy\n"
            "(pip honours HTTPS_PROXY), then run the same make command again; what was\n"
            "already downloaded is reused. See README.md, 'When set-up fails'."
        )


def main(venv: Path, purpose: str) -> None:
    _check_python()
    started = time.monotonic()
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    first_time = not python.exists()
    how_long = f"first run: about {ROUGH_MINUTES[purpose]} minutes" if first_time else "updating"
    print(f"Setting up the course's environment in {venv} for '{purpose}' ({how_long}).")
    if first_time:
        _run("create the virtual environment", [sys.executable, "-m", "venv", str(venv)])
        _run(
            "update pip",
            [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        )
    _run(
        f"install the course's packages ({EXTRAS[purpose]})",
        [str(python), "-m", "pip", "install", "--quiet", "-e", f".[{EXTRAS[purpose]}]"],
    )
    # Bytecode of zendo and the graders (judges never write it), and mypy's caches for
    # the lessons it grades, built once per machine (a few seconds): otherwise each judge
    # compiles zendo anew, and the first check of each mypy-graded lesson waits 1-3 s.
    # Not needed to work: checks build what is missing.
    print("  prepare bytecode and mypy's caches for the lessons ...", flush=True)
    prepared = subprocess.run(  # noqa: S603 - our own command
        [str(python), "-m", "zendo", "--course", str(ROOT), "prepare"], cwd=ROOT, check=False
    )
    if prepared.returncode != 0:
        print("  (not prepared: the first check of those lessons builds them)", flush=True)
    print(f"Ready in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in EXTRAS:
        _stop(f"usage: python3 {sys.argv[0]} VENV {{{'|'.join(EXTRAS)}}}")
    main(Path(sys.argv[1]), sys.argv[2])
