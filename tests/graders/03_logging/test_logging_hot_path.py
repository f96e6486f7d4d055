"""v2 graders of logging.hot_path: one summary record per batch, nothing formatted for nothing.

The scenario (logging_rig.py) builds the batch in the sandbox from items of a subclass of
the setup cell's `Item` that count how often they are turned into text, runs the
learner's `process_batch` with a keeper handler on `shop.imports`, and sends back the
summary's fields, the record snapshots and the count. The expected summary is computed
here, from the same rows. ruff's `G` rules run on the trusted side over the cell's text.
"""

from __future__ import annotations

from typing import Any

from logging_helpers import outcome, seen_records
from logging_rig import rig

from zendo.judge import Learner, Submitted, exercise, expect, fail, run_ruff

DEBUG, INFO = 10, 20
BIG = 10_000


def rows(size: int) -> list[tuple[str, int, int]]:
    """The judge's copy of the generated batch: one item in seven is rejected."""
    return [(f"sku-{n:05}", 0 if n % 7 == 0 else n % 5 + 1, 100 + n % 50) for n in range(size)]


def expected(batch: list[tuple[str, int, int]]) -> list[int]:
    valid = [row for row in batch if row[1] > 0]
    return [len(valid), len(batch) - len(valid), sum(q * p for _, q, p in valid)]


def run_batch(
    learner: Learner, level: int, *, batch: list[tuple[str, int, int]] | None = None, size: int = 0
) -> tuple[dict[str, Any], str]:
    helper, module = rig(learner)
    observed = helper.call(
        "hot_path", module, [list(row) for row in batch or []], None if batch else size, level
    )
    return outcome(observed), observed.printed


def summary_fields(got: dict[str, Any], shown: str) -> list[int]:
    summary = got.get("summary")
    if type(summary) is not dict:
        fail("The grader's scenario could not read back the summary.")
    fields = summary.get("fields")
    if summary.get("type") != "Summary" or type(fields) is not list:
        fail(
            f"{shown} returned {summary.get('shown')!r}, not a Summary (setup cell).",
            hint="summary_values",
        )
    if not all(type(value) is int for value in fields):
        fail(f"{shown} returned Summary{tuple(fields)!r}: each field is a whole number.",
             hint="summary_values")  # fmt: skip
    return fields


@exercise("logging.hot_path", title="The summary counts and totals the valid items")
def test_summary_is_correct(learner: Learner) -> None:
    cases = [
        [("A-1", 2, 500), ("B-2", 0, 300), ("C-3", 1, 250)],
        [],
        [("N-1", -3, 100)],
    ]
    printed = ""
    for batch in cases:
        got, said = run_batch(learner, INFO, batch=batch) if batch else run_batch(learner, INFO)
        printed += said
        shown = f"process_batch({[f'Item{row}' for row in batch]}, logger)".replace("'", "")
        fields = summary_fields(got, shown)
        want = expected(batch)
        expect(
            fields == want,
            f"{shown} returned Summary{tuple(fields)}, not Summary{tuple(want)}.",
            hint="summary_values",
        )
    got, said = run_batch(learner, INFO, size=BIG)
    printed += said
    fields, want = summary_fields(got, "process_batch(10,000 items)"), expected(rows(BIG))
    expect(
        fields == want,
        f"for 10,000 items, one in seven rejected, process_batch returned Summary"
        f"{tuple(fields)}, not Summary{tuple(want)}.",
        hint="summary_values",
    )
    expect(not printed, f"process_batch printed {printed[:200]!r}.", hint="no_print")


@exercise("logging.hot_path", title="At most three records per batch, even at DEBUG")
def test_logs_once_per_batch(learner: Learner) -> None:
    got, _ = run_batch(learner, DEBUG, size=BIG)
    count = len(seen_records(got.get("seen")))
    expect(
        count <= 3,
        f"one batch of 10,000 items with the logger at DEBUG made {count:,} records; at most "
        "3 are allowed.",
        hint="per_batch",
    )


@exercise("logging.hot_path", title="One INFO record, 'batch processed', numbers in extra")
def test_summary_record_has_fields(learner: Learner) -> None:
    got, _ = run_batch(learner, INFO, size=700)
    infos = [s for s in seen_records(got.get("seen")) if s.get("level") == "INFO"]
    expect(
        len(infos) == 1, f"one batch made {len(infos)} INFO records, not 1.", hint="summary_fields"
    )
    record = infos[0]
    expect(
        record.get("message") == "batch processed",
        f"the INFO record's message is {record.get('message')!r}, not 'batch processed'.",
        hint="summary_fields",
    )
    processed, rejected, total_cents = expected(rows(700))
    want = {"processed": processed, "rejected": rejected, "total_cents": total_cents}
    extras = record["extras"]
    found = {key: extras.get(key) for key in want}
    expect(
        found == want and all(type(value) is int for value in found.values()),
        f"the INFO record's extra fields for 700 items: {found}, not {want}.",
        hint="summary_fields",
    )
    duration = extras.get("duration_ms")
    expect(
        type(duration) in (int, float) and duration >= 0,
        f"duration_ms is {duration!r}, not a number of milliseconds.",
        hint="summary_fields",
    )


@exercise("logging.hot_path", title="At INFO, no item is turned into text")
def test_formats_nothing_it_does_not_write(learner: Learner) -> None:
    got, _ = run_batch(learner, INFO, size=BIG)
    count = got.get("formatted")
    expect(
        count == 0,
        f"with the logger at INFO, items were turned into text (str, repr or format) {count} "
        "times for records that were never written.",
        hint="format_only_when_written",
    )


@exercise("logging.hot_path", title="Logging calls pass values as arguments (ruff G)")
def test_logging_calls_pass_arguments(learner: Learner, submitted: Submitted) -> None:
    # Behaviour first, so that the untouched starter (ruff finds nothing in it) fails too.
    got, _ = run_batch(learner, INFO, batch=[("A-1", 2, 500)])
    summary_fields(got, "process_batch([Item(A-1, 2, 500)], logger)")
    cell = submitted.cell_source()
    run = run_ruff({"batch.py": cell}, select=["G"])
    findings = run.in_file("batch.py")
    described = [f"{f.code} {f.message} (line {f.line} of the exercise cell)" for f in findings]
    expect(not findings, f"ruff's G rules found: {described}.", hint="logging_arguments")
    expect(run.exit_code == 0, f"ruff could not check your cell: {run.output[:200]!r}.",
           hint="logging_arguments")  # fmt: skip
