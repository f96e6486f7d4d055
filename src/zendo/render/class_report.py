"""The class report: one self-contained HTML page that tells an instructor how a class did.

It reads a Report (the JSON gradebook that `zendo grade --format json` writes) and shows
the pass rate per exercise, the spread of points, the most common failures, who is stuck
where, and which submissions could not be graded. Charts are inline SVG with their
numbers repeated in tables, for screen readers and for printing.

Learners' code and output end up in messages, so every string from the report is passed
through `html.escape`. As a second line of defence the page carries a
Content-Security-Policy that forbids scripts and every external resource. The page holds
no clock time unless one is passed in, so the same report always gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from zendo._course import Course
from zendo._results import ExerciseResult, Report, Status, SubmissionResult

TOP_FAILURES = 3
"""How many kinds of failure to show per exercise."""

_DASH = "\N{EN DASH}"
_NUMBER = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")
_MAX_TEXT = 300
_COLOURS = {
    Status.PASS: "#1a7f37",
    Status.FAIL: "#cf222e",
    Status.TIMEOUT: "#9a6700",
    Status.ERROR: "#8250df",
}
_ORDER = (Status.PASS, Status.FAIL, Status.TIMEOUT, Status.ERROR)
_CSS = """
body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#1f2328}
h1{margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
td.n{text-align:right}code{font-size:90%}.quiet{color:#59636e}
.msg{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:85%}
.note{border-left:4px solid #9a6700;padding:4px 10px;background:#fff8c5}
svg text{font-family:system-ui,sans-serif;font-size:12px;fill:#1f2328}
@media print{h2{break-after:avoid}svg,table{break-inside:avoid}}
"""


@dataclass
class _Exercise:
    """One exercise's results across the class, in report order."""

    id: str
    title: str
    results: list[tuple[int, ExerciseResult]] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(result.status is status for _, result in self.results)


def render_class_report(
    report: Report,
    course: Course | None = None,
    *,
    source: str | None = None,
    generated_at: str | None = None,
) -> str:
    """The class report as a complete HTML page (inline CSS and SVG, no scripts).

    Args:
        report: the graded submissions of the class.
        course: the course, when at hand: it orders the exercises as the course does and
            flags exercises it does not know (a gradebook from another course version).
        source: what the report was read from (e.g. the gradebook's name and checksum).
        generated_at: a time stamp to print; left out, the page holds no clock time.
    """
    exercises = _collect(report, course)
    sections = [
        _header(report, course, exercises, source, generated_at),
        _pass_rates(exercises, len(report.submissions)),
        _histogram(report.submissions),
        _failures(exercises),
        _stuck(report.submissions, exercises),
        _broken(report.submissions),
    ]
    title = escape(f"Class report: {report.course}")
    policy = "default-src 'none'; style-src 'unsafe-inline'"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def normalise_message(message: str) -> str:
    """A failure message with every number replaced by N, so alike failures group together."""
    text = _SPACE.sub(" ", _NUMBER.sub("N", message)).strip()
    return _shorten(text) or "(no message)"


def _collect(report: Report, course: Course | None) -> list[_Exercise]:
    by_id: dict[str, _Exercise] = {}
    for index, submission in enumerate(report.submissions):
        for result in submission.exercises:
            entry = by_id.setdefault(result.id, _Exercise(result.id, result.title))
            entry.results.append((index, result))
    if course is None:
        return list(by_id.values())
    position = {exercise.id: place for place, exercise in enumerate(course.exercises)}
    # Known exercises in course order; unknown ones after them, in the order first seen.
    return sorted(by_id.values(), key=lambda entry: position.get(entry.id, len(position)))


def _header(
    report: Report,
    course: Course | None,
    exercises: list[_Exercise],
    source: str | None,
    generated_at: str | None,
) -> str:
    submissions = report.submissions
    graded = [s for s in submissions if s.max_points > 0]
    all_passed = sum(s.status is Status.PASS for s in submissions)
    facts = [
        ("Course", escape(report.course)),
        ("Course version", escape(report.course_version) or _quiet("not recorded")),
        ("Zendo version", escape(report.zendo_version)),
        ("Report schema", str(report.schema_version)),
        ("Submissions", str(len(submissions))),
        ("Learners", str(len({s.learner for s in submissions if s.learner}))),
        ("Passed everything", f"{all_passed} of {len(submissions)} submissions"),
        ("Exercises graded", str(len(exercises))),
    ]
    if graded:
        points = sum((Decimal(str(s.points)) for s in graded), Decimal(0))
        available = sum(s.max_points for s in graded)
        share = _percent(points, available)
        facts.append(("Points earned", f"{_points(points)} of {available} ({share})"))
    facts.append(("Generated from", escape(source) if source else _quiet("a Zendo report")))
    if generated_at:
        facts.append(("Generated at", escape(generated_at)))
    hashes = "<br>".join(
        f"<code>{escape(name)}</code> <code>{escape(digest)}</code>"
        for name, digest in sorted(report.grader_hashes.items())
    )
    facts.append(("Grader hashes", hashes or _quiet("not recorded")))
    rows = "".join(f"<tr><th scope='row'>{key}</th><td>{value}</td></tr>" for key, value in facts)
    parts = [f"<h1>Class report: {escape(report.course)}</h1>", f"<table>{rows}</table>"]
    parts.extend(f"<p class='note'>{note}</p>" for note in _course_notes(report, course, exercises))
    return "\n".join(parts)


def _course_notes(report: Report, course: Course | None, exercises: list[_Exercise]) -> list[str]:
    if course is None:
        return []
    notes = []
    if course.title != report.course:
        notes.append(
            f"This report was graded for the course “{escape(report.course)}”, but the course "
            f"at hand is “{escape(course.title)}”: check that you opened the right gradebook."
        )
    known = {exercise.id for exercise in course.exercises}
    unknown = [entry.id for entry in exercises if entry.id not in known]
    if unknown:
        names = ", ".join(f"<code>{escape(name)}</code>" for name in unknown)
        notes.append(
            f"Not exercises of this course: {names}. The gradebook may come from another "
            "version of the course; they are listed last."
        )
    return notes


def _pass_rates(exercises: list[_Exercise], submissions: int) -> str:
    heading = "<h2 id='pass-rates'>Pass rate per exercise</h2>"
    if not exercises:
        return f"{heading}\n<p>No exercise results in this report.</p>"
    label_width, bar_width, row = 250, 400, 26
    height = row * len(exercises) + 24
    bars = []
    for place, entry in enumerate(exercises):
        y = place * row
        graded = len(entry.results)
        passed = entry.count(Status.PASS)
        bars.append(
            f"<text x='{label_width - 8}' y='{y + 17}' text-anchor='end'>"
            f"{escape(_shorten(entry.id, 34))}</text>"
            f"<rect x='{label_width}' y='{y + 4}' width='{bar_width}' height='18' fill='#eaeef2'/>"
        )
        x = Decimal(label_width)
        for status in _ORDER:
            count = entry.count(status)
            if count:
                width = Decimal(bar_width * count) / graded
                tip = f"{entry.id}: {count} of {graded} {status.value}"
                bars.append(
                    f"<rect x='{x:.1f}' y='{y + 4}' width='{width:.1f}' height='18' "
                    f"fill='{_COLOURS[status]}'><title>{escape(tip)}</title></rect>"
                )
                x += width
        bars.append(
            f"<text x='{label_width + bar_width + 8}' y='{y + 17}'>"
            f"{_percent(passed, graded)} ({passed}/{graded})</text>"
        )
    axis_y = row * len(exercises) + 16
    ticks = "".join(
        f"<text x='{label_width + bar_width * tick // 100}' y='{axis_y}' text-anchor='middle' "
        f"class='quiet'>{tick}%</text>"
        for tick in (0, 50, 100)
    )
    svg = _svg(
        "pass-chart",
        "Share of submissions that passed each exercise (green); fail, timeout and error follow.",
        760,
        height,
        "".join(bars) + ticks,
    )
    legend = " ".join(
        f"<span style='color:{_COLOURS[status]}'>■</span> {status.value}" for status in _ORDER
    )
    head = ["Exercise", "Title", "Passed", "Pass rate", "Fail", "Timeout", "Error", "Mean points"]
    rows = []
    for entry in exercises:
        graded = len(entry.results)
        points = sum((Decimal(str(r.points)) for _, r in entry.results), Decimal(0)) / graded
        maximum = max(result.max_points for _, result in entry.results)
        rows.append(
            [
                f"<code>{escape(entry.id)}</code>",
                escape(entry.title),
                f"{entry.count(Status.PASS)} of {graded}",
                _percent(entry.count(Status.PASS), graded),
                str(entry.count(Status.FAIL)),
                str(entry.count(Status.TIMEOUT)),
                str(entry.count(Status.ERROR)),
                f"{_points(points.quantize(Decimal('0.01')))} of {maximum}",
            ]
        )
    note = (
        f"<p class='quiet'>Each rate is out of the submissions graded on that exercise "
        f"(the report holds {submissions}). Legend: {legend}.</p>"
    )
    return "\n".join([heading, svg, note, _table(head, rows, numeric=(2, 3, 4, 5, 6, 7))])


def _histogram(submissions: Sequence[SubmissionResult]) -> str:
    heading = "<h2 id='points'>Points per submission</h2>"
    graded = [s for s in submissions if s.max_points > 0]
    if not graded:
        return f"{heading}\n<p>No graded submissions with points in this report.</p>"
    labels, bin_of, axis = _bins(graded)
    counts = [0] * len(labels)
    for submission in graded:
        counts[bin_of(submission)] += 1
    left, plot_width, plot_height, top = 50, 660, 160, 20
    slot = Decimal(plot_width) / len(labels)
    tallest = max(counts)
    baseline = top + plot_height
    shapes = [
        f"<line x1='{left}' y1='{baseline}' x2='{left + plot_width}' y2='{baseline}' "
        "stroke='#59636e'/>"
    ]
    for place, (label, count) in enumerate(zip(labels, counts, strict=True)):
        x = left + slot * place
        height = Decimal(plot_height * count) / tallest
        y = top + plot_height - height
        middle = x + slot / 2
        shapes.append(
            f"<rect x='{x + 2:.1f}' y='{y:.1f}' width='{slot - 4:.1f}' height='{height:.1f}' "
            f"fill='#0969da'><title>{label}: {count} submissions</title></rect>"
            f"<text x='{middle:.1f}' y='{y - 4:.1f}' text-anchor='middle'>{count}</text>"
            f"<text x='{middle:.1f}' y='{top + plot_height + 16}' text-anchor='middle'>"
            f"{label}</text>"
        )
    shapes.append(
        f"<text x='{left + plot_width // 2}' y='{top + plot_height + 36}' text-anchor='middle' "
        f"class='quiet'>{axis}</text>"
    )
    svg = _svg(
        "points-chart",
        f"How many submissions earned each score ({axis}).",
        760,
        top + plot_height + 44,
        "".join(shapes),
    )
    rows = [[escape(label), str(count)] for label, count in zip(labels, counts, strict=True)]
    table = _table([escape(axis.capitalize()), "Submissions"], rows, numeric=(1,))
    return "\n".join([heading, svg, table])


def _bins(
    graded: Sequence[SubmissionResult],
) -> tuple[list[str], Callable[[SubmissionResult], int], str]:
    maxima = sorted({submission.max_points for submission in graded})
    if len(maxima) == 1 and maxima[0] <= 30:
        # One assignment for everybody: a bar per whole point reads best.
        top = maxima[0]
        labels = [str(points) for points in range(top + 1)]
        return (
            labels,
            lambda s: min(top, max(0, int(Decimal(str(s.points))))),
            f"points out of {top}",
        )
    labels = [f"{low}{_DASH}{low + 9}%" for low in range(0, 90, 10)] + [f"90{_DASH}100%"]

    def decile(submission: SubmissionResult) -> int:
        share = Decimal(str(submission.points)) * 10 // submission.max_points
        return min(9, max(0, int(share)))

    return labels, decile, "share of the points available"


def _failures(exercises: list[_Exercise]) -> str:
    heading = "<h2 id='failures'>Most common failures</h2>"
    blocks = []
    for entry in exercises:
        groups: dict[tuple[str, str, str], list[int]] = {}
        hints: dict[tuple[str, str, str], str] = {}
        for index, result in entry.results:
            for key, hint in _failure_keys(result):
                seen = groups.setdefault(key, [])
                if index not in seen:
                    seen.append(index)
                if hint and key not in hints:
                    hints[key] = hint
        if not groups:
            continue
        ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
        rows = []
        for key, indices in ranked[:TOP_FAILURES]:
            test, hint_id, message = key
            hint = f"<code>{escape(hint_id)}</code>" if hint_id else _quiet("none")
            if key in hints:
                hint += f"<br>{escape(_shorten(hints[key]))}"
            rows.append(
                [
                    str(len(indices)),
                    f"<code>{escape(_shorten(test, 80))}</code>",
                    hint,
                    f"<span class='msg'>{escape(message)}</span>",
                ]
            )
        more = len(ranked) - TOP_FAILURES
        extra = f"<p class='quiet'>… and {more} other kinds of failure.</p>" if more > 0 else ""
        blocks.append(
            f"<h3><code>{escape(entry.id)}</code> {escape(entry.title)}</h3>\n"
            + _table(["Submissions", "Test", "Hint", "Message (numbers shown as N)"], rows, (0,))
            + extra
        )
    if not blocks:
        return f"{heading}\n<p>No failures: every graded exercise passed.</p>"
    return "\n".join([heading, *blocks])


def _failure_keys(result: ExerciseResult) -> list[tuple[tuple[str, str, str], str]]:
    if result.status is Status.PASS:
        return []
    failing = [test for test in result.tests if test.status is not Status.PASS]
    if not failing:
        # No test ran (a missing exercise cell): the exercise's own message says why.
        return [(("(exercise)", "", normalise_message(result.message)), "")]
    return [
        ((test.name, test.hint_id or "", normalise_message(test.message)), test.hint or "")
        for test in failing
    ]


def _stuck(submissions: Sequence[SubmissionResult], exercises: list[_Exercise]) -> str:
    heading = "<h2 id='stuck'>Learners who are stuck</h2>"
    explain = (
        "<p class='quiet'>Stuck: an error or a timeout on an exercise, or 0 points on an "
        "exercise that most of the others passed.</p>"
    )
    reasons: dict[int, list[str]] = {}
    for entry in exercises:
        for index, result in entry.results:
            reason = _stuck_reason(result, entry)
            if reason:
                item = f"<li><code>{escape(entry.id)}</code>: {reason}</li>"
                reasons.setdefault(index, []).append(item)
    order = sorted(reasons, key=lambda index: (_learner(index, submissions[index]), index))
    rows = [
        [
            escape(_learner(index, submissions[index])),
            f"<code>{escape(submissions[index].source)}</code>",
            f"<ul>{''.join(reasons[index])}</ul>",
        ]
        for index in order
    ]
    if not rows:
        return f"{heading}\n{explain}\n<p>Nobody is stuck.</p>"
    return "\n".join([heading, explain, _table(["Learner", "Submission", "Stuck on"], rows)])


def _stuck_reason(result: ExerciseResult, entry: _Exercise) -> str:
    if result.status in (Status.ERROR, Status.TIMEOUT):
        problem = result.first_problem
        message = ((problem.message if problem else "") or result.message).strip()
        first_line = message.splitlines()[0] if message else "no message"
        return f"{result.status.value}: <span class='msg'>{escape(_shorten(first_line))}</span>"
    if result.status is Status.FAIL and result.points == 0:
        # This result failed, so every pass of the exercise is someone else's.
        others = len(entry.results) - 1
        passed = entry.count(Status.PASS)
        if passed * 2 > others:
            return f"0 of {result.max_points} points, while {passed} of {others} others passed"
    return ""


def _broken(submissions: Sequence[SubmissionResult]) -> str:
    heading = "<h2 id='broken'>Submissions that could not be graded</h2>"
    rows = [
        [
            escape(_learner(index, submission)),
            f"<code>{escape(submission.source)}</code>",
            submission.status.value,
            f"<span class='msg'>{escape(_shorten(submission.message, 2000))}</span>"
            if submission.message
            else _quiet("no exercise results"),
        ]
        for index, submission in enumerate(submissions)
        if submission.message or (submission.status is not Status.PASS and not submission.exercises)
    ]
    if not rows:
        return f"{heading}\n<p>None: every submission was read and graded.</p>"
    return "\n".join([heading, _table(["Learner", "File", "Status", "Message"], rows)])


def _learner(index: int, submission: SubmissionResult) -> str:
    return submission.learner or submission.source or f"submission {index + 1}"


def _svg(name: str, description: str, width: int, height: int, body: str) -> str:
    return (
        f"<svg role='img' aria-labelledby='{name}-title' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}'>"
        f"<title id='{name}-title'>{escape(description)}</title>{body}</svg>"
    )


def _table(head: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> str:
    """A table of cells that are already HTML (escaped by the caller); numbers align right."""
    header = "".join(f"<th scope='col'>{cell}</th>" for cell in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='n'>{cell}</td>" if column in numeric else f"<td>{cell}</td>"
            for column, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><tr>{header}</tr>{body}</table>"


def _points(value: Decimal) -> str:
    """Points without trailing zeros: 2.50 → 2.5, 3.00 → 3."""
    return f"{value.normalize():f}"


def _percent(part: int | Decimal, whole: int) -> str:
    if not whole:
        return _DASH
    # Exact decimal arithmetic, rounded half up: the same input always prints the same.
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def _quiet(text: str) -> str:
    return f"<span class='quiet'>{escape(text)}</span>"


def _shorten(text: str, limit: int = _MAX_TEXT) -> str:
    # Cut before escaping, so an entity such as &lt; is never cut in half.
    return text if len(text) <= limit else text[: limit - 1] + "…"
