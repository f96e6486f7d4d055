"""A judge imports hypothesis only when graders use it, and configures it before they see it.

`runner.configure_hypothesis_when_imported` replaces configuring hypothesis up front: the
judge's fixed profile and empty local-constants pool must be in place before the import
that brought hypothesis in returns, whichever module of hypothesis is imported first.
Each case runs in a fresh interpreter, as a judge process starts.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

PROLOGUE = """
import sys
from zendo.judge.runner import configure_hypothesis_when_imported
import zendo.judge.batch_server, zendo.judge.toolkit  # what a judge imports ahead
assert "hypothesis" not in sys.modules, "a judge imported hypothesis ahead"
configure_hypothesis_when_imported()
configure_hypothesis_when_imported()  # twice is once
"""
CHECK = """
from hypothesis import settings
from hypothesis.internal.conjecture import providers
from zendo.judge.toolkit import hypothesis_settings
expected = hypothesis_settings("standard")
assert settings.default.derandomize and settings.default.database is None
assert settings.default.phases == expected.phases
assert settings.default.suppress_health_check == expected.suppress_health_check
assert not providers._get_local_constants().integers, "local constants leak in"
print("configured")
"""


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-P", "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.parametrize(
    "first_import",
    [
        "import hypothesis",
        "from hypothesis import strategies as st",  # a submodule first
        "from zendo.judge import property_test; property_test('quick')",
    ],
)
def test_hypothesis_is_configured_before_the_import_that_brought_it_returns(
    first_import: str,
) -> None:
    # A settings object made at a grader's import time takes the profile's values then.
    made_at_import = (
        "\nfrom hypothesis import settings as _s\n"
        "assert _s(max_examples=5).derandomize, 'made before the profile was loaded'\n"
    )
    assert run(PROLOGUE + first_import + made_at_import + CHECK).strip() == "configured"


def test_hypothesis_reads_its_own_data_files_through_the_hooked_import() -> None:
    # provisional.domains() reads a file shipped inside hypothesis (importlib.resources).
    code = (
        PROLOGUE
        + "from hypothesis.provisional import domains\n"
        + "from hypothesis import given\n"
        + "seen = []\n"
        + "@given(domains())\n"
        + "def draw(name): seen.append(name)\n"
        + "draw()\n"
        + "assert seen and all('.' in name for name in seen)\n"
        + CHECK
    )
    assert run(code).strip() == "configured"


def test_a_judge_that_already_imported_hypothesis_is_configured_at_once() -> None:
    code = "import hypothesis\n" + PROLOGUE.replace(
        'assert "hypothesis" not in sys.modules, "a judge imported hypothesis ahead"', ""
    )
    assert run(code + CHECK).strip() == "configured"
