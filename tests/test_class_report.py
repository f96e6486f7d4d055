"""The class report: what an instructor reads, hostile learner text kept inert, same bytes."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from zendo._course import Course
from zendo._results import (
    ExerciseResult,
    Report,
    Status,
    SubmissionResult,
    TestResult,
    worst,
)
from zendo.cli import cli
from zendo.render.class_report import normalise_message, render_class_report
from zendo.render.json import render_json

HOSTILE = "<script>alert('owned')</script></table><img src=https://evil.example/x.png>"


def check(name: str, status: Status, message: str = "", hint_id: str | None = None) -> TestResult:
    hint = f"Hint text for {hint_id}." if hint_id else None
    return TestResult(name=name, status=status, message=message, hint=hint, hint_id=hint_id)


def exercise(
    exercise_id: str, status: Status, points: float, max_points: int, *tests: TestResult
) -> ExerciseResult:
    return ExerciseResult(
        id=exercise_id,
        title=f"Title of {exercise_id}",
        status=status,
        points=points,
        max_points=max_points,
        tests=list(tests) or [check("test_it", status)],
    )


def submission(learner: str, *exercises: ExerciseResult, message: str = "") -> SubmissionResult:
    return SubmissionResult(
        source=f"submissions/{learner}/05_money.ipynb",
        learner=learner,
        status=worst([e.status for e in exercises]) if exercises else Status.ERROR,
        points=sum(e.points for e in exercises),
        max_points=sum(e.max_points for e in exercises),
        message=message,
        exercises=list(exercises),
    )


def lost_cent(total: int) -> TestResult:
    message = f"split({total}, 3) returned [{total // 3}, {total // 3}, {total // 3}]"
    return check("test_split_adds_up", Status.FAIL, message, hint_id="lost_cent")


def class_report(**changes: object) -> Report:
    """Five learners: one passes all, one is stuck, one times out, one is hostile, one is broken."""
    passed = Status.PASS
    report = Report(
        zendo_version="0.1.0",
        course="Zendo: professional Python engineering",
        course_version="2025.11",
        grader_hashes={"05_money": "ab" * 32, "01_zen": "cd" * 32},
        submissions=[
            submission(
                "ada",
                exercise("money.round_money", passed, 2, 2),
                exercise("money.split", passed, 2, 2),
                exercise("money.allocate", passed, 3, 3),
            ),
            submission(
                "bob",
                exercise("money.round_money", Status.FAIL, 0, 2),
                exercise("money.split", Status.FAIL, 0, 2, lost_cent(100)),
                exercise("money.allocate", passed, 3, 3),
            ),
            submission(
                "cyd",
                exercise("money.round_money", passed, 2, 2),
                exercise("money.split", Status.FAIL, 1, 2, check("a", passed), lost_cent(200)),
                exercise(
                    "money.allocate",
                    Status.TIMEOUT,
                    0,
                    3,
                    check("test_allocate", Status.TIMEOUT, "Stopped after 10 seconds."),
                ),
            ),
            submission(
                "eve",
                exercise("money.round_money", passed, 2, 2),
                exercise(
                    "money.split", Status.ERROR, 0, 2, check("test_split", Status.ERROR, HOSTILE)
                ),
                exercise("money.allocate", passed, 3, 3),
            ),
            submission("dan", message="dan/05_money.ipynb is not valid notebook JSON (line 1)."),
        ],
    )
    return report.model_copy(update=changes)


class _Tags(HTMLParser):
    """Every tag and attribute of a page, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.starts: list[str] = []
        self.ends: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append(tag)
        self.attributes.extend(attrs)

    def handle_endtag(self, tag: str) -> None:
        self.ends.append(tag)


def parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    return tags


def test_pass_rate_per_exercise_is_shown_as_text_and_as_bars() -> None:
    page = render_class_report(class_report())
    assert "75% (3/4)" in page  # money.round_money: ada, cyd, eve of four graded
    assert "25% (1/4)" in page  # money.split: only ada
    assert "<td>Title of money.allocate</td><td class='n'>3 of 4</td><td class='n'>75%</td>" in page
    assert "<title>money.split: 2 of 4 fail</title>" in page
    assert (
        "Each rate is out of the submissions graded on that exercise (the report holds 5)" in page
    )


def test_header_names_course_versions_hashes_and_counts() -> None:
    page = render_class_report(class_report(), source="gradebook.json (sha256 123)")
    assert "<h1>Class report: Zendo: professional Python engineering</h1>" in page
    assert "<th scope='row'>Course version</th><td>2025.11</td>" in page
    assert "<th scope='row'>Zendo version</th><td>0.1.0</td>" in page
    assert "<th scope='row'>Submissions</th><td>5</td>" in page
    assert "<th scope='row'>Learners</th><td>5</td>" in page
    assert "<th scope='row'>Passed everything</th><td>1 of 5 submissions</td>" in page
    assert "<th scope='row'>Generated from</th><td>gradebook.json (sha256 123)</td>" in page
    # Grader hashes are listed in a fixed order, whatever order the report holds them in.
    assert page.index("01_zen") < page.index("05_money</code> <code>abab")
    assert "Generated at" not in page


def test_points_histogram_counts_submissions_per_whole_point() -> None:
    page = render_class_report(class_report())
    # Out of 7 points: ada 7, bob 3, cyd 3, eve 5; dan has no points to earn.
    assert "points out of 7" in page
    assert "<tr><td>7</td><td class='n'>1</td></tr>" in page
    assert "<tr><td>3</td><td class='n'>2</td></tr>" in page
    assert "<tr><td>5</td><td class='n'>1</td></tr>" in page
    assert "<tr><td>0</td><td class='n'>0</td></tr>" in page


def test_points_histogram_falls_back_to_deciles_for_mixed_assignments() -> None:
    report = Report(
        zendo_version="0.1.0",
        course="c",
        submissions=[
            submission("a", exercise("x.one", Status.PASS, 40, 40)),
            submission("b", exercise("x.one", Status.FAIL, 13, 40)),
            submission("c", exercise("x.two", Status.FAIL, 1.5, 5)),
        ],
    )
    page = render_class_report(report)
    assert "share of the points available" in page
    assert "<tr><td>90\N{EN DASH}100%</td><td class='n'>1</td></tr>" in page
    assert "<tr><td>30\N{EN DASH}39%</td><td class='n'>2</td></tr>" in page  # 13/40 and 1.5/5


def test_common_failures_group_messages_that_differ_only_in_numbers() -> None:
    page = render_class_report(class_report())
    row = (
        "<td class='n'>2</td><td><code>test_split_adds_up</code></td>"
        "<td><code>lost_cent</code><br>Hint text for lost_cent.</td>"
        "<td><span class='msg'>split(N, N) returned [N, N, N]</span></td>"
    )
    assert row in page


def test_common_failures_show_the_top_three_and_count_the_rest() -> None:
    failing = [
        submission(
            f"learner{index}",
            exercise("x.one", Status.FAIL, 0, 1, check(f"test_{index % 5}", Status.FAIL, "no")),
        )
        for index in range(10)
    ]
    page = render_class_report(Report(zendo_version="0.1.0", course="c", submissions=failing))
    assert page.count("<code>test_") == 3
    assert "… and 2 other kinds of failure." in page


def test_normalise_message_replaces_numbers_and_squeezes_space() -> None:
    assert normalise_message("got  [33, 33,\n34]  at 0.5") == "got [N, N, N] at N.N"
    assert normalise_message("") == "(no message)"


def test_stuck_learners_are_listed_with_what_they_are_stuck_on() -> None:
    page = render_class_report(class_report())
    stuck = page[page.index("id='stuck'") : page.index("id='broken'")]
    assert (
        "<td>bob</td><td><code>submissions/bob/05_money.ipynb</code></td>"
        "<td><ul><li><code>money.round_money</code>: 0 of 2 points, while 3 of 3 others passed"
    ) in stuck
    assert "<code>money.split</code>: 0 of 2" not in stuck  # only 1 of 3 others passed split
    assert "<code>money.allocate</code>: timeout: <span class='msg'>Stopped after 10 sec" in stuck
    assert "<code>money.split</code>: error: <span class='msg'>&lt;script&gt;" in stuck
    assert "ada" not in stuck
    assert stuck.index(">bob<") < stuck.index(">cyd<") < stuck.index(">eve<")


def test_broken_submissions_show_their_message() -> None:
    page = render_class_report(class_report())
    broken = page[page.index("id='broken'") :]
    assert (
        "<td>dan</td><td><code>submissions/dan/05_money.ipynb</code></td><td>error</td>" in broken
    )
    assert "is not valid notebook JSON (line 1)." in broken


def test_hostile_learner_text_is_escaped_and_inert() -> None:
    report = class_report()
    learner = submission("<b>mallory</b>", exercise("x.one", Status.ERROR, 0, 1), message=HOSTILE)
    page = render_class_report(
        report.model_copy(update={"submissions": [*report.submissions, learner]})
    )
    tags = parse(page)
    assert "script" not in tags.starts
    assert "img" not in tags.starts
    assert "b" not in tags.starts
    assert tags.starts.count("table") == tags.ends.count("table")
    assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;&lt;/table&gt;" in page
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page


def test_page_is_self_contained() -> None:
    page = render_class_report(class_report())
    tags = parse(page)
    assert "<script" not in page.lower()
    assert {"link", "img", "iframe", "object", "embed", "script"}.isdisjoint(tags.starts)
    assert not [name for name, _ in tags.attributes if name in {"src", "href", "xlink:href"}]
    assert not [value for _, value in tags.attributes if value and "http" in value]
    assert "default-src 'none'" in page  # the browser refuses scripts and fetches too
    assert tags.starts.count("svg") == 2


def test_same_report_gives_the_same_bytes() -> None:
    report = class_report()
    reordered = report.model_copy(
        update={"grader_hashes": dict(reversed(list(report.grader_hashes.items())))}
    )
    assert render_class_report(report) == render_class_report(report)
    assert render_class_report(report) == render_class_report(reordered)


def test_course_orders_exercises_and_flags_the_unknown(fixture_course: Course) -> None:
    report = Report(
        zendo_version="0.1.0",
        course="Another course",
        submissions=[
            submission(
                "ada",
                exercise("other.thing", Status.PASS, 1, 1),
                exercise("demo.greet", Status.PASS, 1, 1),
                exercise("demo.add", Status.FAIL, 0, 2),
            )
        ],
    )
    page = render_class_report(report, fixture_course)
    table = page[page.index("id='pass-rates'") : page.index("id='points'")]
    assert table.index("demo.add") < table.index("demo.greet") < table.index("other.thing")
    assert "graded for the course “Another course”, but the course at hand is “Fixture" in page
    assert "Not exercises of this course: <code>other.thing</code>" in page


def test_an_empty_report_still_renders() -> None:
    page = render_class_report(Report(zendo_version="0.1.0", course="c", submissions=[]))
    assert "No exercise results in this report." in page
    assert "No graded submissions with points in this report." in page
    assert "Nobody is stuck." in page


# The command line: exit code first, then what it wrote.


def invoke(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["--course", str(root), *args])
    return result.exit_code, result.output


def test_report_command_writes_html_beside_the_gradebook(
    runner: CliRunner, course_root: Path, tmp_path: Path
) -> None:
    gradebook = tmp_path / "gradebook.json"
    gradebook.write_text(render_json(class_report()), encoding="utf-8")
    code, output = invoke(runner, course_root, "report", str(gradebook))
    assert code == 0
    target = tmp_path / "gradebook.html"
    assert output == f"Wrote the class report of 5 submissions to {target}.\n"
    page = target.read_text(encoding="utf-8")
    assert "25% (1/4)" in page
    assert "gradebook.json (sha256 " in page
    assert "but the course at hand is “Fixture course”" in page


def test_report_command_honours_output(
    runner: CliRunner, course_root: Path, tmp_path: Path
) -> None:
    gradebook = tmp_path / "gradebook.json"
    gradebook.write_text(render_json(class_report()), encoding="utf-8")
    target = tmp_path / "new" / "class.html"
    code, _ = invoke(runner, course_root, "report", str(gradebook), "--output", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not (tmp_path / "gradebook.html").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        ("{not json", "is not valid JSON (Invalid JSON: key must be a string at line 1"),
        ("\x00\xff binary", "is not valid JSON"),
        (json.dumps({"zendo_version": "0.1.0", "course": "c"}), "field 'submissions': Field"),
        (
            json.dumps({"zendo_version": "1", "course": "c", "submissions": [{"status": "x"}]}),
            "field 'submissions.0.source': Field required",
        ),
        (
            json.dumps(
                {"schema_version": 2, "zendo_version": "9", "course": "c", "submissions": []}
            ),
            "has schema_version 2, and this zendo reads version 1",
        ),
    ],
    ids=["missing", "invalid-json", "binary", "no-submissions", "bad-submission", "schema-2"],
)
def test_bad_gradebooks_get_one_clear_line_and_exit_two(
    runner: CliRunner, course_root: Path, tmp_path: Path, content: str | None, expected: str
) -> None:
    gradebook = tmp_path / "gradebook.json"
    if content is not None:
        gradebook.write_text(content, encoding="utf-8")
    code, output = invoke(runner, course_root, "report", str(gradebook))
    assert code == 2
    assert output.startswith(f"Error: {gradebook} ")
    assert expected in output
    assert output.count("\n") == 1
    assert not (tmp_path / "gradebook.html").exists()


def test_report_refuses_to_overwrite_its_own_gradebook(
    runner: CliRunner, course_root: Path, tmp_path: Path
) -> None:
    gradebook = tmp_path / "gradebook.html"
    gradebook.write_text(render_json(class_report()), encoding="utf-8")
    code, output = invoke(runner, course_root, "report", str(gradebook))
    assert code == 2
    assert "would replace the gradebook" in output
    assert gradebook.read_text(encoding="utf-8").startswith("{")


def test_grade_then_report_end_to_end(runner: CliRunner, course_root: Path, tmp_path: Path) -> None:
    gradebook = tmp_path / "gradebook.json"
    solved = course_root / "solutions" / "01_demo.ipynb"
    starter = course_root / "exercises" / "01_demo.ipynb"
    code, _ = invoke(
        runner, course_root, "grade", str(solved), str(starter), "--format", "json",
        "--output", str(gradebook),
    )  # fmt: skip
    assert code == 1
    code, _ = invoke(runner, course_root, "report", str(gradebook))
    assert code == 0
    page = (tmp_path / "gradebook.html").read_text(encoding="utf-8")
    assert "50% (1/2)" in page  # each exercise: the solution passes, the starter does not
    assert "<th scope='row'>Submissions</th><td>2</td>" in page


def test_zero_points_count_as_stuck_only_when_most_others_passed() -> None:
    def report(passes: int, fails: int) -> Report:
        others = [submission(f"p{i}", exercise("x.one", Status.PASS, 1, 1)) for i in range(passes)]
        others += [submission(f"f{i}", exercise("x.one", Status.FAIL, 0, 1)) for i in range(fails)]
        zoe = submission("zoe", exercise("x.one", Status.FAIL, 0, 1))
        return Report(zendo_version="0.1.0", course="c", submissions=[zoe, *others])

    assert ">zoe<" not in render_class_report(report(passes=2, fails=2))  # half is not most
    assert "0 of 1 points, while 3 of 5 others passed" in render_class_report(report(3, 2))
