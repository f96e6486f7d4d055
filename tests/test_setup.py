"""The README's first step: `make lab` and `make test` set themselves up, and say why not.

`scripts/bootstrap.py` runs with the learner's own Python before anything is installed.
These tests run it as a learner would (a subprocess), on a machine state made to fail:
an index that cannot be reached, a Python that is too old, a Python without venv.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

BOOTSTRAP = REPO / "scripts" / "bootstrap.py"
TEST_TOOLS = {"playwright", "nbval", "nbclient", "nbformat"}


def _names(requirements: list[str]) -> set[str]:
    return {
        requirement.split(">")[0].split("=")[0].split("<")[0].strip()
        for requirement in requirements
    }


def test_a_learner_installs_no_test_tools() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    learner = _names(project["dependencies"]) | _names(project["optional-dependencies"]["lab"])
    assert not learner & TEST_TOOLS
    assert _names(project["optional-dependencies"]["dev"]) >= TEST_TOOLS


def test_make_lab_sets_up_the_lab_extra_and_make_test_adds_the_test_tools(tmp_path: Path) -> None:
    venv = tmp_path / "fresh-venv"
    lab = subprocess.run(
        ["make", "-n", "-C", str(REPO), "lab", f"VENV={venv}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"scripts/bootstrap.py {venv} lab" in lab.stdout
    assert f"{venv} test" not in lab.stdout
    test = subprocess.run(
        ["make", "-n", "-C", str(REPO), "test", f"VENV={venv}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert f"scripts/bootstrap.py {venv} test" in test.stdout


def _bootstrap(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments],
        capture_output=True, text=True, check=False, timeout=300,
        env={**os.environ, **environment},
    )  # fmt: skip


@pytest.mark.slow
def test_no_network_stops_with_advice_not_a_traceback(tmp_path: Path) -> None:
    unreachable = {
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_FIND_LINKS": "",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "1",
        "PIP_NO_CACHE_DIR": "1",
        "PIP_CONFIG_FILE": os.devnull,
    }
    result = _bootstrap(str(BOOTSTRAP), str(tmp_path / "venv"), "lab", **unreachable)
    assert result.returncode == 1
    assert "first run: about 1-3 minutes" in result.stdout
    assert "Zendo set-up stopped" in result.stderr
    assert "network or proxy" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_python_too_old_is_told_what_to_install() -> None:
    probe = (
        "import runpy, sys; module = runpy.run_path(sys.argv[1]); "
        "module['_check_python'].__globals__['MINIMUM'] = (99, 0); module['_check_python']()"
    )
    result = _bootstrap("-c", probe, str(BOOTSTRAP))
    assert result.returncode == 1
    assert "needs Python 3.11 or newer" in result.stderr
    assert "make lab PYTHON=" in result.stderr


def test_a_python_without_venv_is_told_the_package_to_install() -> None:
    probe = (
        "import runpy, sys; sys.modules['ensurepip'] = None; "
        "runpy.run_path(sys.argv[1])['_check_python']()"
    )
    result = _bootstrap("-c", probe, str(BOOTSTRAP))
    assert result.returncode == 1
    assert "no 'venv' module" in result.stderr
    assert "-venv" in result.stderr


def test_bad_arguments_get_a_usage_line() -> None:
    result = _bootstrap(str(BOOTSTRAP), "somewhere", "everything")
    assert result.returncode == 1
    assert "usage:" in result.stderr
