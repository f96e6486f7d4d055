"""A workshop schedule from the lessons' time estimates, with breaks where people need them.

Each lesson's `minutes` (in its `course/NN_slug.toml`, exercises included) is the one
source of its length. A break follows a lesson whenever at least `break_every_minutes`
have run since the last break, and never ends the day. Lessons are never cut in two: a
lesson longer than the break interval is followed by a break, not interrupted by one.
A lunch break, when asked for, is the first pause between lessons from half an hour
before `lunch_after` on.

`plan_workshop` spreads the lessons over one or more days that each end by `day_end`:
it fills each day in course order and starts the next day with the first lesson that
does not fit. Lessons that fit in none of the days are reported, never dropped silently,
and so are prerequisites that the plan leaves out.

Usage:

    items = build_schedule(course, time(9, 0), lessons=["zen", "money"])
    print(render_schedule_text(items))
    plan = plan_workshop(course, time(9, 0), days=2, day_end=time(17, 0))
    print(render_workshop_text(plan))
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from zendo._course import Course, Lesson
from zendo._errors import InputError

_DASH = "\N{EN DASH}"  # between two times; ruff flags the literal character (RUF001)
_CLOCK = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
_DAY = date(2000, 1, 1)  # any date: only the clock times are kept
_MAX_DAYS = 5
# Lunch may start this many minutes before the lunch time, rather than after another
# lesson: a pause at 11:30 is a better lunch than one at 14:00.
_LUNCH_EARLY = 30


@dataclass(frozen=True)
class ScheduleItem:
    """One slot of the day: a lesson (with its stem) or a break, and when it runs."""

    start: time
    end: time
    title: str
    kind: Literal["lesson", "break", "lunch"]
    minutes: int
    stem: str = ""


def parse_clock_time(text: str, what: str = "start time") -> time:
    """Read a time of day such as `09:00` or `9:30`; InputError naming `what` otherwise."""
    match = _CLOCK.match(text.strip())
    if match is not None:
        hour, minute = int(match["hour"]), int(match["minute"])
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise InputError(f"The {what} {text!r} is not a time of day: write it as HH:MM, e.g. 09:00.")


@dataclass(frozen=True)
class Workshop:
    """A plan over one or more days, what did not fit, and prerequisites it leaves out.

    `missing_prerequisites` holds `(lesson stem, prerequisite stem)` pairs: a planned
    lesson builds on a lesson that is not in the plan.
    """

    days: tuple[tuple[ScheduleItem, ...], ...]
    day_end: time
    left_out: tuple[Lesson, ...] = ()
    missing_prerequisites: tuple[tuple[str, str], ...] = ()


def build_schedule(
    course: Course,
    start: time,
    break_every_minutes: int = 90,
    break_minutes: int = 15,
    lessons: Sequence[str] | None = None,
    *,
    lunch_after: time | None = None,
    lunch_minutes: int = 60,
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
        lunch_after: when set, the first pause between two lessons from half an hour
            before this time on is a lunch break of `lunch_minutes` instead of a short
            break.
        lunch_minutes: how long lunch lasts; 0 means no lunch.
    """
    _check_breaks(break_every_minutes, break_minutes, lunch_minutes)
    chosen = _choose(course, lessons)
    items, end = _lay_out(
        chosen, start, break_every_minutes, break_minutes, lunch_after, lunch_minutes
    )
    if end > datetime.combine(_DAY + timedelta(days=1), time(0, 0)):
        total = int((end - datetime.combine(_DAY, start)).total_seconds() // 60)
        raise InputError(
            f"A schedule of {total} minutes starting at {start:%H:%M} runs past midnight: "
            "start earlier or choose fewer lessons."
        )
    return items


def plan_workshop(
    course: Course,
    start: time,
    *,
    days: int = 1,
    day_end: time = time(17, 0),
    break_every_minutes: int = 90,
    break_minutes: int = 15,
    lunch_after: time | None = time(12, 0),
    lunch_minutes: int = 60,
    lessons: Sequence[str] | None = None,
) -> Workshop:
    """Spread the lessons over `days` days from `start` to `day_end`, in course order.

    Each day takes lessons in course order while the next one still ends by `day_end`
    (breaks and lunch included); the next day starts with the lesson that did not fit.
    Lessons after the last day are returned in `left_out`, never skipped to fit a later,
    shorter one: lessons build on the ones before them. A lesson too long for a whole
    day raises InputError, as do impossible settings; the other arguments are as for
    `build_schedule`.
    """
    if not 1 <= days <= _MAX_DAYS:
        raise InputError(f"A workshop of {days} days cannot be planned: give 1 to {_MAX_DAYS}.")
    if day_end <= start:
        raise InputError(
            f"The day ends at {day_end:%H:%M}, not after it starts at {start:%H:%M}: "
            "give an end time later than the start time."
        )
    _check_breaks(break_every_minutes, break_minutes, lunch_minutes)
    waiting = _choose(course, lessons)
    latest = datetime.combine(_DAY, day_end)
    planned: list[tuple[ScheduleItem, ...]] = []
    for _ in range(days):
        today: list[Lesson] = []
        items: list[ScheduleItem] = []
        while waiting:
            trial, end = _lay_out(
                [*today, waiting[0]],
                start,
                break_every_minutes,
                break_minutes,
                lunch_after,
                lunch_minutes,
            )
            if end > latest:
                break
            today.append(waiting.pop(0))
            items = trial
        if not today and waiting:
            lesson = waiting[0]
            raise InputError(
                f"Lesson {lesson.stem} takes {lesson.data.minutes} minutes, more than a day "
                f"from {start:%H:%M} to {day_end:%H:%M} holds: start earlier or end later."
            )
        if today:
            planned.append(tuple(items))
    in_plan = {item.stem for day in planned for item in day if item.kind == "lesson"}
    missing = tuple(
        (lesson.stem, needed)
        for lesson in course.lessons
        if lesson.stem in in_plan
        for needed in lesson.data.prerequisites
        if needed not in in_plan
    )
    return Workshop(tuple(planned), day_end, tuple(waiting), missing)


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
        if item.kind != "lesson":
            lines.append(f"| {_span(item)} | *{title}* | | {item.minutes} |")
        else:
            notebook = f"`notebooks/{item.stem}.ipynb`" if item.stem else ""
            lines.append(f"| {_span(item)} | {title} | {notebook} | {item.minutes} |")
    lines.append("")
    lines.append(_totals(items))
    return "\n".join(lines) + "\n"


def render_workshop_text(workshop: Workshop) -> str:
    """The plan as plain text: each day's table (headed `Day N` when there are several)."""
    return _render_workshop(workshop, render_schedule_text, "{title}")


def render_workshop_markdown(workshop: Workshop) -> str:
    """The plan as Markdown: each day's table (under `### Day N` when there are several)."""
    return _render_workshop(workshop, render_schedule_markdown, "### {title}")


def _render_workshop(
    workshop: Workshop, render: Callable[[Sequence[ScheduleItem]], str], heading: str
) -> str:
    parts: list[str] = []
    if not workshop.days:
        parts.append("No lessons to schedule.\n")
    for number, items in enumerate(workshop.days, start=1):
        table = render(items)
        if len(workshop.days) > 1:
            table = heading.format(title=f"Day {number}") + "\n\n" + table
        parts.append(table)
    if workshop.left_out:
        names = ", ".join(
            f"{lesson.stem} ({lesson.data.minutes} min)" for lesson in workshop.left_out
        )
        count = len(workshop.days) or 1
        span = f"{count} day{'s' if count > 1 else ''}"
        parts.append(
            f"Did not fit in {span} ending by {workshop.day_end:%H:%M}: {names}. "
            "Add a day (--days), start earlier or end later (--start, --end), or give "
            "them as homework.\n"
        )
    for stem, needed in workshop.missing_prerequisites:
        parts.append(f"Note: {stem} builds on {needed}, which is not in this plan.\n")
    return "\n".join(parts)


def _check_breaks(break_every_minutes: int, break_minutes: int, lunch_minutes: int) -> None:
    if break_every_minutes < 1:
        raise InputError(
            f"Breaks every {break_every_minutes} minutes cannot work: give 1 minute or more."
        )
    if break_minutes < 0:
        raise InputError(f"A break of {break_minutes} minutes cannot work: give 0 or more.")
    if lunch_minutes < 0:
        raise InputError(f"A lunch of {lunch_minutes} minutes cannot work: give 0 or more.")


def _lay_out(
    lessons: Sequence[Lesson],
    start: time,
    break_every_minutes: int,
    break_minutes: int,
    lunch_after: time | None,
    lunch_minutes: int,
) -> tuple[list[ScheduleItem], datetime]:
    """The day's slots for these lessons, in order, and when the last one ends."""
    clock = datetime.combine(_DAY, start)
    lunch_at = None
    if lunch_after is not None and lunch_minutes > 0:
        lunch_at = datetime.combine(_DAY, lunch_after) - timedelta(minutes=_LUNCH_EARLY)
    items: list[ScheduleItem] = []
    since_break = 0
    for lesson in lessons:
        minutes = lesson.data.minutes
        if items and lunch_at is not None and clock >= lunch_at:
            items.append(_item(clock, lunch_minutes, "Lunch", "lunch", ""))
            clock += timedelta(minutes=lunch_minutes)
            since_break = 0
            lunch_at = None  # one lunch a day
        # Look ahead: people need the break before a stretch grows too long, not after.
        elif since_break > 0 and since_break + minutes > break_every_minutes and break_minutes > 0:
            items.append(_item(clock, break_minutes, "Break", "break", ""))
            clock += timedelta(minutes=break_minutes)
            since_break = 0
        items.append(_item(clock, minutes, lesson.title, "lesson", lesson.stem))
        clock += timedelta(minutes=minutes)
        since_break += minutes
    return items, clock


def _choose(course: Course, names: Sequence[str] | None) -> list[Lesson]:
    if not names:
        return list(course.lessons)
    # course.lesson raises InputError naming the known lessons for an unknown name.
    wanted = {course.lesson(name).stem for name in names}
    return [lesson for lesson in course.lessons if lesson.stem in wanted]


def _item(
    clock: datetime,
    minutes: int,
    title: str,
    kind: Literal["lesson", "break", "lunch"],
    stem: str,
) -> ScheduleItem:
    end = clock + timedelta(minutes=minutes)
    return ScheduleItem(clock.time(), end.time(), title, kind, minutes, stem)


def _span(item: ScheduleItem) -> str:
    return f"{item.start:%H:%M}{_DASH}{item.end:%H:%M}"


def _totals(items: Sequence[ScheduleItem]) -> str:
    lessons = [item for item in items if item.kind == "lesson"]
    breaks = [item for item in items if item.kind == "break"]
    lunch = any(item.kind == "lunch" for item in items)
    total = sum(item.minutes for item in items)
    hours, minutes = divmod(total, 60)
    duration = f"{hours} h {minutes:02} min" if hours else f"{minutes} min"
    return (
        f"{items[0].start:%H:%M}{_DASH}{items[-1].end:%H:%M}: {duration}, "
        f"{_count(len(lessons), 'lesson')}"
        f"{', ' if lunch else ' and '}{_count(len(breaks), 'break')}"
        f"{' and lunch' if lunch else ''}."
    )


def _count(number: int, noun: str) -> str:
    if number == 0:
        return f"no {noun}s"
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _markdown_cell(text: str) -> str:
    # A pipe would end the cell early; lesson titles come from the course's own files.
    return text.replace("|", "\\|")
