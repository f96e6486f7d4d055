"""Accessibility of every shipped notebook (issue 15): alt text, heading order, link text.

The first test runs the checker over every notebook in notebooks/, exercises/ and
solutions/; the others prove that each rule catches a bad example and lets the good
version through, on real notebook files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from zendo._accessibility import check_notebook, check_text, heading_order_problems
from zendo.cli import cli

SHIPPED = sorted(
    path
    for folder in ("notebooks", "exercises", "solutions")
    for path in (REPO / folder).glob("*.ipynb")
)


@pytest.mark.parametrize("path", SHIPPED, ids=[f"{p.parent.name}/{p.stem}" for p in SHIPPED])
def test_shipped_notebook_has_no_accessibility_finding(path: Path) -> None:
    findings = [finding.describe() for finding in check_notebook(path)]
    assert not findings, "\n".join(findings)


def test_every_lesson_folder_is_checked() -> None:
    folders = {path.parent.name for path in SHIPPED}
    assert folders == {"notebooks", "exercises", "solutions"}
    assert len(SHIPPED) >= 20


def write_notebook(path: Path, cells: list[dict[str, object]]) -> Path:
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def markdown(source: str) -> dict[str, object]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def code_with_output(output: dict[str, object]) -> dict[str, object]:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": [output],
        "source": "plot()",
    }


# Images


@pytest.mark.parametrize(
    "bad",
    [
        "![](chart.png)",
        "![   ](chart.png)",
        "![chart.png](chart.png)",
        '<img src="chart.png">',
        '<img src="chart.png" alt="">',
        "See ![][chart] below.\n\n[chart]: chart.png",
    ],
)
def test_an_image_without_a_real_alt_text_is_caught(bad: str) -> None:
    assert [rule for rule, _ in check_text(bad)] == ["image-alt"]


@pytest.mark.parametrize(
    "good",
    [
        "![Bar chart: retries per status code](chart.png)",
        '<img src="chart.png" alt="Bar chart: retries per status code">',
        "Code is not checked: `![](x.png)`.",
        "```\n![](x.png)\n```",
    ],
)
def test_an_image_with_alt_text_passes(good: str) -> None:
    assert check_text(good) == []


def test_an_image_output_needs_a_description(tmp_path: Path) -> None:
    figure = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x480 with 1 Axes>"},
    }
    described = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"image/png": "iVBORw0KGgo=", "text/plain": "Line chart: latency rises"},
    }
    with_alt = {
        "output_type": "display_data",
        "metadata": {"image/png": {"alt": "Line chart: latency rises with load"}},
        "data": {"image/png": "iVBORw0KGgo="},
    }
    notebook = write_notebook(
        tmp_path / "outputs.ipynb",
        [markdown("# Title"), *(code_with_output(o) for o in (figure, described, with_alt))],
    )
    findings = check_notebook(notebook)
    assert [(f.cell, f.rule) for f in findings] == [(1, "image-alt")]
    assert "<Figure size 640x480 with 1 Axes>" in findings[0].message
    assert '{"alt": "..."}' in findings[0].message


def test_an_image_in_an_html_output_needs_alt_text(tmp_path: Path) -> None:
    output = {
        "output_type": "display_data",
        "metadata": {},
        "data": {"text/html": '<p>Result</p><img src="data:image/png;base64,iVBO">'},
    }
    notebook = write_notebook(tmp_path / "html.ipynb", [markdown("# T"), code_with_output(output)])
    [finding] = check_notebook(notebook)
    assert (finding.cell, finding.rule) == (1, "image-alt")
    assert finding.message.startswith("In an output: The image an <img> without alt")


# Headings


def test_headings_in_order_pass() -> None:
    assert heading_order_problems("# Title\n## A\n### A.1\n## B\n### B.1\n#### B.1.a\n## C") == []


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("# Title\n### Questions", "'Questions' is level 3 right after a level-1 heading"),
        ("## Title\n### Part", "The first heading 'Title' is level 2"),
        ("# Title\n## Part\n# Again", "'Again' is a second level-1 heading"),
        ("# Title\n## A\n#### Deep", "skipping level 3: make it '###'"),
        ("# Title\n<h3>Questions</h3>", "'Questions' is level 3 right after a level-1"),
        ("Text without any heading.", "The notebook has no heading"),
    ],
)
def test_a_heading_out_of_order_is_caught(bad: str, expected: str) -> None:
    problems = heading_order_problems(bad)
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_a_comment_in_a_code_block_is_not_a_heading() -> None:
    assert heading_order_problems("# Title\n```python\n### not a heading\n```\n## Part") == []


def test_heading_order_runs_across_cells(tmp_path: Path) -> None:
    notebook = write_notebook(
        tmp_path / "cells.ipynb", [markdown("# Title"), markdown("## Part"), markdown("#### Deep")]
    )
    [finding] = check_notebook(notebook)
    assert (finding.cell, finding.rule) == (2, "heading-order")


# Links


@pytest.mark.parametrize(
    "bad",
    [
        "Read the docs [here](https://tenacity.readthedocs.io/).",
        "[Click here](https://tenacity.readthedocs.io/) for more.",
        "See [this](https://example.org/a).",
        "[**Read more**](https://example.org/a)",
        "[](https://example.org/a)",
        "[https://tenacity.readthedocs.io/](https://tenacity.readthedocs.io/)",
        "<https://tenacity.readthedocs.io/>",
        "The docs are at https://tenacity.readthedocs.io/ today.",
        '<a href="https://example.org/a">here</a>',
        "Read [the docs][ref] or [here][ref].\n\n[ref]: https://example.org/a",
    ],
)
def test_a_link_text_that_does_not_say_where_it_goes_is_caught(bad: str) -> None:
    assert [rule for rule, _ in check_text(bad)] == ["link-text"]


@pytest.mark.parametrize(
    "good",
    [
        "Read [tenacity's documentation](https://tenacity.readthedocs.io/).",
        '<a href="https://example.org/a">the Stripe idempotency guide</a>',
        "A generic function takes `[T](items: Sequence[T])` in code: not a link.",
        "```\ncurl https://example.org/a\n```",
        "Read [the docs][ref].\n\n[ref]: https://example.org/a",
    ],
)
def test_a_link_that_names_its_destination_passes(good: str) -> None:
    assert check_text(good) == []


# The command line: `zendo accessibility`, exit code first, then what it printed.


def test_the_command_checks_the_whole_course_by_default(
    runner: CliRunner, course_root: Path
) -> None:
    result = runner.invoke(cli, ["--course", str(course_root), "accessibility"])
    assert (result.exit_code, result.output) == (0, "No accessibility findings in 2 notebooks.\n")
    bad = course_root / "solutions" / "01_demo.ipynb"
    notebook = json.loads(bad.read_text(encoding="utf-8"))
    notebook["cells"].append(markdown("See [here](https://example.org/guide)."))
    bad.write_text(json.dumps(notebook), encoding="utf-8")
    result = runner.invoke(cli, ["--course", str(course_root), "accessibility"])
    assert result.exit_code == 1
    assert "01_demo.ipynb, cell " in result.output
    assert "[link-text]: The link '[here](https://example.org/guide)' says 'here'" in result.output
    assert result.output.endswith("1 accessibility finding(s) in 2 notebooks.\n")


def test_the_command_checks_named_notebooks(runner: CliRunner, tmp_path: Path) -> None:
    good = write_notebook(tmp_path / "good.ipynb", [markdown("# Title\n## Part")])
    bad = write_notebook(tmp_path / "bad.ipynb", [markdown("# Title\n### Part\n![](x.png)")])
    result = runner.invoke(cli, ["accessibility", str(good)])
    assert (result.exit_code, result.output) == (0, "No accessibility findings in 1 notebook.\n")
    result = runner.invoke(cli, ["accessibility", str(good), str(bad)])
    assert result.exit_code == 1
    assert result.output.count("bad.ipynb, cell 0") == 2
    assert "good.ipynb" not in result.output


def test_the_command_refuses_a_missing_notebook_with_exit_two(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["accessibility", str(tmp_path / "nope.ipynb")])
    assert result.exit_code == 2
    assert "nope.ipynb" in result.output
    assert "Traceback" not in result.output
