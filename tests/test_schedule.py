"""The workshop schedule: lesson times in course order, breaks where people need them."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from zendo._course import Course, Lesson, LessonData
from zendo._errors import InputError
from zendo._schedule import (
    ScheduleItem,
    build_schedule,
    parse_clock_time,
    plan_workshop,
    render_schedule_markdown,
    render_schedule_text,
    render_workshop_markdown,
    render_workshop_text,
)
from zendo.cli import cli


def make_course(*minutes: int, prerequisites: dict[int, list[str]] | None = None) -> Course:
    """A course of lessons 01_l1, 02_l2, ... titled "Lesson 1", ... with these lengths."""
    needed = prerequisites or {}
    lessons = tuple(
        Lesson(
            stem=f"{number:02}_l{number}",
            number=number,
            data=LessonData(
                slug=f"l{number}",
                title=f"Lesson {number}",
                minutes=length,
                prerequisites=needed.get(number, []),
                questions=["Why?"],
                objectives=["Know."],
                key_points=["Known."],
            ),
        )
        for number, length in enumerate(minutes, start=1)
    )
    return Course(root=Path("."), title="Test course", lessons=lessons)


def dashes(text: str) -> str:
    """Expected output written with ~ where the schedule prints an en dash between times."""
    return text.replace("~", "\N{EN DASH}")


def slots(items: list[ScheduleItem]) -> list[str]:
    return [f"{item.start:%H:%M} {item.end:%H:%M} {item.title}" for item in items]


def test_a_break_comes_before_a_lesson_that_would_run_past_the_interval() -> None:
    items = build_schedule(make_course(60, 45, 30, 50), time(9, 0))
    assert slots(items) == [
        "09:00 10:00 Lesson 1",
        "10:00 10:15 Break",
        "10:15 11:00 Lesson 2",
        "11:00 11:30 Lesson 3",
        "11:30 11:45 Break",
        "11:45 12:35 Lesson 4",
    ]
    assert items[1] == ScheduleItem(time(10, 0), time(10, 15), "Break", "break", 15)
    assert items[0].stem == "01_l1"


def test_a_stretch_of_exactly_the_interval_needs_no_break_yet() -> None:
    items = build_schedule(make_course(45, 45, 10), time(9, 0), break_every_minutes=90)
    assert [item.kind for item in items] == ["lesson", "lesson", "break", "lesson"]


def test_the_day_never_ends_with_a_break() -> None:
    assert [i.kind for i in build_schedule(make_course(100), time(9, 0))] == ["lesson"]
    items = build_schedule(make_course(100, 100), time(9, 0))
    assert [item.kind for item in items] == ["lesson", "break", "lesson"]


def test_a_long_lesson_is_followed_by_a_break_not_cut() -> None:
    items = build_schedule(make_course(20, 200, 20), time(8, 30), 60, 10)
    assert slots(items) == [
        "08:30 08:50 Lesson 1",
        "08:50 09:00 Break",
        "09:00 12:20 Lesson 2",
        "12:20 12:30 Break",
        "12:30 12:50 Lesson 3",
    ]


def test_zero_minute_breaks_mean_no_breaks() -> None:
    items = build_schedule(make_course(90, 90, 90), time(9, 0), break_minutes=0)
    assert [item.kind for item in items] == ["lesson"] * 3
    assert items[-1].end == time(13, 30)


def test_a_subset_by_slug_or_stem_keeps_course_order() -> None:
    items = build_schedule(make_course(10, 20, 30), time(9, 0), lessons=["03_l3", "l1", "l3"])
    assert slots(items) == ["09:00 09:10 Lesson 1", "09:10 09:40 Lesson 3"]


def test_no_names_means_every_lesson() -> None:
    course = make_course(10, 20)
    everything = build_schedule(course, time(9, 0))
    assert build_schedule(course, time(9, 0), lessons=[]) == everything
    assert len(everything) == 2


def test_an_unknown_lesson_names_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"no lesson 'nope'\. Known lessons: l1, l2\."):
        build_schedule(make_course(10, 20), time(9, 0), lessons=["l1", "nope"])


@pytest.mark.parametrize(("every", "length"), [(0, 15), (90, -1)])
def test_impossible_break_settings_are_refused(every: int, length: int) -> None:
    with pytest.raises(InputError, match="cannot work"):
        build_schedule(make_course(10), time(9, 0), every, length)


def test_a_day_that_runs_past_midnight_is_refused_but_midnight_itself_is_fine() -> None:
    assert build_schedule(make_course(60), time(23, 0))[-1].end == time(0, 0)
    with pytest.raises(InputError, match="90 minutes starting at 23:00 runs past midnight"):
        build_schedule(make_course(60, 30), time(23, 0))


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("9:05", time(9, 5))])
def test_clock_times_are_read(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9", "09:60", "nine", "09:00:00", ""])
def test_bad_clock_times_say_how_to_write_one(text: str) -> None:
    with pytest.raises(InputError, match=r"write it as HH:MM, e\.g\. 09:00"):
        parse_clock_time(text)


def test_text_schedule_is_a_table_with_totals() -> None:
    items = build_schedule(make_course(60, 45, 30), time(9, 0))
    assert render_schedule_text(items) == dashes(
        "09:00~10:00  Lesson 1 (60 min)\n"
        "10:00~10:15  Break (15 min)\n"
        "10:15~11:00  Lesson 2 (45 min)\n"
        "11:00~11:30  Lesson 3 (30 min)\n"
        "\n"
        "09:00~11:30: 2 h 30 min, 3 lessons and 1 break.\n"
    )


def test_markdown_schedule_links_each_lesson_notebook() -> None:
    items = build_schedule(make_course(50, 50), time(9, 0), break_every_minutes=50)
    assert render_schedule_markdown(items) == dashes(
        "| Time | Session | Notebook | Minutes |\n"
        "|---|---|---|---:|\n"
        "| 09:00~09:50 | Lesson 1 | `notebooks/01_l1.ipynb` | 50 |\n"
        "| 09:50~10:05 | *Break* | | 15 |\n"
        "| 10:05~10:55 | Lesson 2 | `notebooks/02_l2.ipynb` | 50 |\n"
        "\n"
        "09:00~10:55: 1 h 55 min, 2 lessons and 1 break.\n"
    )


def test_an_empty_schedule_says_so() -> None:
    assert render_schedule_text([]) == "No lessons to schedule.\n"
    assert render_schedule_markdown([]) == "No lessons to schedule.\n"


# The command line: exit code first, then what it printed.


def invoke(runner: CliRunner, root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["--course", str(root), "schedule", *args])
    return result.exit_code, result.output


def test_schedule_command_prints_the_fixture_course(runner: CliRunner, course_root: Path) -> None:
    code, output = invoke(runner, course_root, "--start", "13:30")
    assert code == 0
    assert output == dashes(
        "13:30~13:35  Demo lesson (5 min)\n\n13:30~13:35: 5 min, 1 lesson and no breaks.\n"
    )


def test_schedule_command_takes_lessons_and_markdown(runner: CliRunner, course_root: Path) -> None:
    code, output = invoke(runner, course_root, "01_demo", "--format", "markdown")
    assert code == 0
    assert dashes("| 09:00~09:05 | Demo lesson | `notebooks/01_demo.ipynb` | 5 |") in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nope"], "There is no lesson 'nope'. Known lessons: demo."),
        (["--start", "25:00"], "The start time '25:00' is not a time of day"),
        (["--break-every", "0"], "0 is not in the range x>=1"),
    ],
)
def test_schedule_command_rejects_bad_input_with_exit_two(
    runner: CliRunner, course_root: Path, args: list[str], expected: str
) -> None:
    code, output = invoke(runner, course_root, *args)
    assert code == 2
    assert expected in output
    assert "Traceback" not in output


# A lunch break, and workshops over one or more days (issue 15).


def test_lunch_takes_the_place_of_the_first_pause_at_or_after_its_time() -> None:
    course = make_course(60, 60, 60, 60, 60)
    items = build_schedule(course, time(9, 0), lunch_after=time(12, 0), lunch_minutes=45)
    assert slots(items) == [
        "09:00 10:00 Lesson 1",
        "10:00 10:15 Break",
        "10:15 11:15 Lesson 2",
        "11:15 11:30 Break",
        "11:30 12:30 Lesson 3",
        "12:30 13:15 Lunch",
        "13:15 14:15 Lesson 4",
        "14:15 14:30 Break",
        "14:30 15:30 Lesson 5",
    ]
    assert [item.kind for item in items].count("lunch") == 1
    assert render_schedule_text(items).endswith("5 lessons, 3 breaks and lunch.\n")


def test_lunch_may_come_half_an_hour_early_but_no_earlier() -> None:
    course = make_course(150, 60)
    early = build_schedule(course, time(9, 0), lunch_after=time(12, 0))
    assert slots(early)[1] == "11:30 12:30 Lunch"
    too_early = build_schedule(course, time(8, 59), lunch_after=time(12, 0))
    assert slots(too_early)[1] == "11:29 11:44 Break"


def test_no_lunch_when_the_day_ends_first_or_lunch_is_zero_minutes() -> None:
    course = make_course(60, 60)
    kinds = [item.kind for item in build_schedule(course, time(9, 0), lunch_after=time(12, 0))]
    assert kinds == ["lesson", "break", "lesson"]
    items = build_schedule(course, time(12, 0), lunch_after=time(12, 0), lunch_minutes=0)
    assert [item.kind for item in items] == ["lesson", "break", "lesson"]


def test_a_one_day_workshop_lists_what_did_not_fit() -> None:
    course = make_course(60, 60, 60, 60, 60, 60, 60)
    plan = plan_workshop(course, time(9, 0), day_end=time(16, 0))
    [day] = plan.days
    assert slots(list(day))[-1] == "14:45 15:45 Lesson 5"
    assert [lesson.stem for lesson in plan.left_out] == ["06_l6", "07_l7"]
    text = render_workshop_text(plan)
    assert "Day 1" not in text
    assert "Did not fit in 1 day ending by 16:00: 06_l6 (60 min), 07_l7 (60 min)." in text


def test_a_two_day_workshop_fills_each_day_in_course_order() -> None:
    course = make_course(90, 90, 120, 45, 90, 60)
    plan = plan_workshop(course, time(9, 0), days=2, day_end=time(17, 0))
    assert [[item.stem for item in day if item.stem] for day in plan.days] == [
        ["01_l1", "02_l2", "03_l3", "04_l4"],
        ["05_l5", "06_l6"],
    ]
    assert slots(list(plan.days[0]))[3] == "12:15 13:15 Lunch"
    assert all(day[-1].end <= time(17, 0) for day in plan.days)
    assert plan.left_out == ()
    text = render_workshop_text(plan)
    assert text.startswith("Day 1\n\n09:00")
    assert "\nDay 2\n\n09:00" in text
    assert "Did not fit" not in text


def test_a_later_shorter_lesson_never_jumps_the_queue() -> None:
    # Lessons build on the ones before them: once one does not fit, the rest wait too.
    plan = plan_workshop(make_course(300, 200, 10), time(9, 0), day_end=time(17, 0))
    assert [item.stem for item in plan.days[0] if item.stem] == ["01_l1"]
    assert [lesson.stem for lesson in plan.left_out] == ["02_l2", "03_l3"]


def test_a_lesson_longer_than_a_day_is_refused_with_the_way_out() -> None:
    with pytest.raises(InputError, match=r"Lesson 02_l2 takes 500 minutes, more than a day "):
        plan_workshop(make_course(60, 500), time(9, 0), days=2, day_end=time(17, 0))


@pytest.mark.parametrize(
    ("days", "end", "message"),
    [
        (0, time(17, 0), "A workshop of 0 days cannot be planned: give 1 to 5."),
        (6, time(17, 0), "A workshop of 6 days cannot be planned"),
        (1, time(9, 0), "The day ends at 09:00, not after it starts at 09:00"),
    ],
)
def test_impossible_workshops_are_refused(days: int, end: time, message: str) -> None:
    with pytest.raises(InputError, match=message):
        plan_workshop(make_course(10), time(9, 0), days=days, day_end=end)


def test_a_plan_names_prerequisites_it_leaves_out() -> None:
    course = make_course(30, 30, 30, prerequisites={3: ["01_l1", "02_l2"]})
    plan = plan_workshop(course, time(9, 0), lessons=["l2", "l3"])
    assert plan.missing_prerequisites == (("03_l3", "01_l1"),)
    assert render_workshop_text(plan).endswith(
        "Note: 03_l3 builds on 01_l1, which is not in this plan.\n"
    )


def test_a_markdown_workshop_heads_each_day() -> None:
    plan = plan_workshop(make_course(240, 240), time(9, 0), days=2, day_end=time(14, 0))
    text = render_workshop_markdown(plan)
    assert text.count("| Time | Session | Notebook | Minutes |") == 2
    assert text.startswith("### Day 1\n\n| Time |")
    assert "\n### Day 2\n\n| Time |" in text


def write_course(root: Path, lessons: list[tuple[int, list[str]]]) -> Path:
    """A course on disk: lessons 01_l1, 02_l2, ... with these minutes and prerequisites."""
    (root / "course").mkdir(parents=True)
    (root / "course" / "course.toml").write_text('title = "Workshop course"\n')
    for number, (minutes, prerequisites) in enumerate(lessons, start=1):
        needed = ", ".join(f'"{stem}"' for stem in prerequisites)
        (root / "course" / f"{number:02}_l{number}.toml").write_text(
            f'slug = "l{number}"\ntitle = "Lesson {number}"\nminutes = {minutes}\n'
            f"prerequisites = [{needed}]\n"
            'questions = ["Why?"]\nobjectives = ["Know."]\nkey_points = ["Known."]\n',
            encoding="utf-8",
        )
    return root


def test_schedule_command_plans_two_days(runner: CliRunner, tmp_path: Path) -> None:
    root = write_course(tmp_path / "c", [(150, []), (150, ["01_l1"]), (150, ["02_l2"])])
    code, output = invoke(runner, root, "--days", "2", "--end", "15:00")
    assert code == 0
    assert output == dashes(
        "Day 1\n\n"
        "09:00~11:30  Lesson 1 (150 min)\n"
        "11:30~12:30  Lunch (60 min)\n"
        "12:30~15:00  Lesson 2 (150 min)\n\n"
        "09:00~15:00: 6 h 00 min, 2 lessons, no breaks and lunch.\n\n"
        "Day 2\n\n"
        "09:00~11:30  Lesson 3 (150 min)\n\n"
        "09:00~11:30: 2 h 30 min, 1 lesson and no breaks.\n"
    )


def test_schedule_command_says_what_did_not_fit_and_what_is_missing(
    runner: CliRunner, tmp_path: Path
) -> None:
    root = write_course(tmp_path / "c", [(60, []), (200, ["01_l1"]), (200, ["02_l2"])])
    code, output = invoke(
        runner, root, "l2", "l3", "--start", "10:00", "--lunch-minutes", "0", "--end", "16:00"
    )
    assert code == 0
    assert dashes("10:00~13:20  Lesson 2 (200 min)\n") in output
    assert "Did not fit in 1 day ending by 16:00: 03_l3 (200 min)." in output
    assert "Note: 02_l2 builds on 01_l1, which is not in this plan." in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--end", "5pm"], "The end time '5pm' is not a time of day"),
        (["--lunch", "noon"], "The lunch time 'noon' is not a time of day"),
        (["--days", "9"], "9 is not in the range 1<=x<=5"),
        (["--start", "18:00"], "The day ends at 17:00, not after it starts at 18:00"),
    ],
)
def test_schedule_command_rejects_bad_workshop_settings(
    runner: CliRunner, course_root: Path, args: list[str], expected: str
) -> None:
    code, output = invoke(runner, course_root, *args)
    assert code == 2
    assert expected in output
    assert "Traceback" not in output
