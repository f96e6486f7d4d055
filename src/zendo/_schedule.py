"""A workshop schedule from the lessons' time estimates, with breaks where people need them.

Each lesson's `minutes` (in its `course/NN_slug.toml`, exercises included) is the one
source of its length. A break follows a lesson whenever at least `break_every_minutes`
have run since the last break, and never ends the day. Lessons are never cut in two: a
lesson longer than the break interval is followed by a break, not interrupted by one.

Usage:

    items = build_schedule(course, time(9, 0), lessons=["zen", "money"])
    print(render_schedule_text(items))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from zendo._course import Course, Lesson
from zendo._errors import InputError

_DASH = "\N{EN DASH}"  # between two times; ruff flags the literal character (RUF001)
_CLOCK = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


@dataclass(frozen=True)
class ScheduleItem:
    """One slot of the day: a lesson (with its stem) or a break, and when it runs."""

    start: time
    end: time
    title: str
    kind: Literal["lesson", "break"]
    minutes: int
    stem: str = ""


def parse_clock_time(text: str) -> time:
    """Read a time of day such as `09:00` or `9:30`; InputError for anything else."""
    match = _CLOCK.match(text.strip())
    if match is not None:
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise InputError(
        f"The start time {text!r} is not a time of day: write it as HH:MM, e.g. 09:00."
    )


def build_schedule(
    course: Course,
    start: time,
    break_every_minutes: int = 90,
    break_minutes: int = 15,
    lessons: Sequence[str] | None = None,
) -> list[ScheduleItem]:
    """The day's lessons in course order, from `start`, with breaks inserted between them.

    Args:
        course: the course whose lessons (and their time estimates) are scheduled.
        start: when the first lesson starts.
        break_every_minutes: the longest stretch without a break: a break goes between
            two lessons whenever the next one would otherwise end more than this many
            minutes after the previous break (or the start). A single lesson longer than
            this is never cut.
        break_minutes: how long each break lasts; 0 schedules no breaks.
        lessons: slugs (`money`) or stems (`05_money`) of the lessons to include, in any
            order; None or empty means every lesson. An unknown name raises InputError
            naming the known ones.
    """
    if break_every_minutes < 1:
        raise InputError(
            f"Breaks every {break_every_minutes} minutes cannot work: give 1 minute or more."
        )
    if break_minutes < 0:
        raise InputError(f"A break of {break_minutes} minutes cannot work: give 0 or more.")
    chosen = _choose(course, lessons)
    day = date(2000, 1, 1)  # any date: only the clock times are kept
    clock = datetime.combine(day, start)
    items: list[ScheduleItem] = []
    since_break = 0
    for lesson in chosen:
        minutes = lesson.data.minutes
        # Look ahead: people need the break before a stretch grows too long, not after.
        if since_break > 0 and since_break + minutes > break_every_minutes and break_minutes > 0:
            items.append(_item(clock, break_minutes, "Break", "break", ""))
            clock += timedelta(minutes=break_minutes)
            since_break = 0
        items.append(_item(clock, minutes, lesson.title, "lesson", lesson.stem))
        clock += timedelta(minutes=minutes)
        since_break += minutes
    if clock > datetime.combine(day + timedelta(days=1), time(0, 0)):
        total = int((clock - datetime.combine(day, start)).total_seconds() // 60)
        raise InputError(
            f"A schedule of {total} minutes starting at {start:%H:%M} runs past midnight: "
            "start earlier or choose fewer lessons."
        )
    return items


def render_schedule_text(items: Sequence[ScheduleItem]) -> str:
    """The schedule as a plain table, one slot a line, with the totals at the end."""
    if not items:
        return "No lessons to schedule.\n"
    lines = [f"{_span(item)}  {item.title} ({item.minutes} min)" for item in items]
    lines.append("")
    lines.append(_totals(items))
    return "\n".join(lines) + "\n"


def render_schedule_markdown(items: Sequence[ScheduleItem]) -> str:
    """The schedule as a Markdown table (time, session, notebook, minutes), with totals."""
    if not items:
        return "No lessons to schedule.\n"
    lines = ["| Time | Session | Notebook | Minutes |", "|---|---|---|---:|"]
    for item in items:
        title = _markdown_cell(item.title)
        if item.kind == "break":
            lines.append(f"| {_span(item)} | *{title}* | | {item.minutes} |")
        else:
            notebook = f"`notebooks/{item.stem}.ipynb`" if item.stem else ""
            lines.append(f"| {_span(item)} | {title} | {notebook} | {item.minutes} |")
    lines.append("")
    lines.append(_totals(items))
    return "\n".join(lines) + "\n"


def _choose(course: Course, names: Sequence[str] | None) -> list[Lesson]:
    if not names:
        return list(course.lessons)
    # course.lesson raises InputError naming the known lessons for an unknown name.
    wanted = {course.lesson(name).stem for name in names}
    return [lesson for lesson in course.lessons if lesson.stem in wanted]


def _item(
    clock: datetime, minutes: int, title: str, kind: Literal["lesson", "break"], stem: str
) -> ScheduleItem:
    end = clock + timedelta(minutes=minutes)
    return ScheduleItem(clock.time(), end.time(), title, kind, minutes, stem)


def _span(item: ScheduleItem) -> str:
    return f"{item.start:%H:%M}{_DASH}{item.end:%H:%M}"


def _totals(items: Sequence[ScheduleItem]) -> str:
    lessons = [item for item in items if item.kind == "lesson"]
    breaks = [item for item in items if item.kind == "break"]
    total = sum(item.minutes for item in items)
    hours, minutes = divmod(total, 60)
    duration = f"{hours} h {minutes:02} min" if hours else f"{minutes} min"
    return (
        f"{items[0].start:%H:%M}{_DASH}{items[-1].end:%H:%M}: {duration}, "
        f"{_count(len(lessons), 'lesson')} and {_count(len(breaks), 'break')}."
    )


def _count(number: int, noun: str) -> str:
    if number == 0:
        return f"no {noun}s"
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _markdown_cell(text: str) -> str:
    # A pipe would end the cell early; lesson titles come from the course's own files.
    return text.replace("|", "\\|")
