"""The package's public face: exported names, a light import, and install metadata."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import yaml

import zendo
from tests.conftest import REPO


def test_public_names_are_pinned() -> None:
    assert zendo.__all__ == [
        "CourseError",
        "InputError",
        "NotebookError",
        "SandboxError",
        "ZendoError",
        "__version__",
    ]


def test_import_zendo_stays_light() -> None:
    # A notebook imports zendo on every run: no pytest, hypothesis or notebook libraries.
    probe = "import sys, zendo; print(sorted(m for m in sys.modules if m.split('.')[0] in {'pytest', '_pytest', 'hypothesis', 'nbformat', 'pydantic', 'click'}))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_version_matches_the_project_metadata() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert zendo.__version__ == project["version"]


def test_environment_yml_lists_the_same_dependencies_as_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["lab"])
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    listed = {line for line in pip_section if not line.startswith("-e")}
    assert listed == wanted, (
        f"only in pyproject: {wanted - listed}; only in environment.yml: {listed - wanted}"
    )
    python = next(
        d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python")
    )
    assert python == f"python{project['requires-python']}"
