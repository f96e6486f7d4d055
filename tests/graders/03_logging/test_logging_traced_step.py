"""v2 graders of logging.traced_step: start, end, duration, tokens, each error once.

The scenario (logging_rig.py) decorates the grader's own steps with the learner's
`traced_step` in the sandbox, replaces `time.perf_counter` (and a `perf_counter` the
cell imported by name) with a fake clock that only the steps move, runs the calls, and
sends back what each call returned or raised and a snapshot of every record the
`agent` logger's keeper received. Durations, names and counts are judged here.
"""

from __future__ import annotations

from typing import Any

from logging_helpers import SENTINEL_EMAIL, SENTINEL_PASSWORD, SENTINEL_TOKEN, leaks, outcome
from logging_helpers import seen_records as checked_records
from logging_rig import rig

from zendo.judge import Learner, exercise, expect, fail


class Run:
    """The results and records of some step calls, run under the fake clock."""

    def __init__(
        self, learner: Learner, calls: list[tuple[str, str]], request_id: str | None = None
    ) -> None:
        helper, module = rig(learner)
        got = outcome(helper.call("traced", module, [list(c) for c in calls], request_id))
        names, coroutines, results = (
            got.get("names"),
            got.get("coroutine_functions"),
            got.get("results"),
        )
        if type(names) is not dict or type(coroutines) is not dict or type(results) is not list:
            fail("The grader's scenario could not read back your decorated steps.")
        self.names: dict[str, Any] = names
        self.coroutines: dict[str, Any] = coroutines
        self.results: list[dict[str, Any]] = results
        self.seen = checked_records(got.get("seen"))

    def of(self, step: str) -> list[dict[str, Any]]:
        return [s for s in self.seen if s["extras"].get("step") == step]

    def end(self, step: str, hint: str = "start_and_end") -> dict[str, Any]:
        ends = [s for s in self.of(step) if s.get("message") == "step.end"]
        expect(
            len(ends) == 1,
            f"one call of {step} logged {len(ends)} step.end records with step={step!r}, not 1.",
            hint=hint,
        )
        return ends[0]


def duration_of(record: dict[str, Any]) -> object:
    return record["extras"].get("duration_ms")


def close_to(value: object, want: float) -> bool:
    return type(value) in (int, float) and abs(value - want) < 0.001  # type: ignore[operator]


@exercise("logging.traced_step", title="Decorated steps keep their name, kind and result")
def test_wraps_sync_and_async(learner: Learner) -> None:
    run = Run(learner, [("parse", "Lisbon"), ("plan", "question")])
    expect(
        run.names.get("parse") == "parse",
        f"the decorated parse's __name__ is {run.names.get('parse')!r}, not 'parse'.",
        hint="keep_the_function",
    )
    expect(
        run.coroutines.get("plan") is True,
        "a decorated async def function is no longer a coroutine function.",
        hint="keep_the_function",
    )
    parsed, planned = run.results
    expect(
        parsed.get("returned") == {"city": "Lisbon"},
        f"the decorated parse('Lisbon') gave {parsed}, not {{'city': 'Lisbon'}}.",
        hint="keep_the_function",
    )
    expect(
        planned.get("is_model_reply") is True,
        f"the decorated plan('question') gave {planned}, not the step's ModelReply.",
        hint="keep_the_function",
    )


@exercise("logging.traced_step", title="step.start and step.end, with step and request_id")
def test_start_and_end_records(learner: Learner) -> None:
    run = Run(learner, [("parse", "Lisbon")], request_id="req-1")
    got = [
        (
            s.get("level"),
            s.get("message"),
            s["extras"].get("request_id"),
            s["extras"].get("outcome"),
        )
        for s in run.of("parse")
    ]
    want = [("INFO", "step.start", "req-1", None), ("INFO", "step.end", "req-1", "ok")]
    expect(
        got == want,
        f"one call of parse with REQUEST_ID 'req-1' logged (level, message, request_id, "
        f"outcome) {got}, not {want}.",
        hint="start_and_end",
    )


@exercise("logging.traced_step", title="duration_ms comes from time.perf_counter()")
def test_duration_from_perf_counter(learner: Learner) -> None:
    run = Run(learner, [("parse", "Lisbon")])
    duration = duration_of(run.end("parse", "monotonic_clock"))
    expect(
        close_to(duration, 125.0),
        f"a step that took 125 ms on the fake perf_counter logged duration_ms={duration!r}.",
        hint="monotonic_clock",
    )


@exercise("logging.traced_step", title="Async steps are timed and caught inside the await")
def test_async_steps_are_awaited_inside(learner: Learner) -> None:
    run = Run(learner, [("plan", "question"), ("calendar", "2027-01-15")])
    duration = duration_of(run.end("plan", "await_inside"))
    expect(
        close_to(duration, 800.0),
        f"an async step that took 800 ms on the fake clock logged duration_ms={duration!r}.",
        hint="await_inside",
    )
    failed = run.results[1]
    expect(
        failed.get("raised") == "TimeoutError",
        f"the async step that raises TimeoutError gave the caller {failed}.",
        hint="await_inside",
    )
    end = run.end("calendar", "await_inside")
    expect(
        end["extras"].get("outcome") == "error",
        f"a failed async step logged outcome={end['extras'].get('outcome')!r}, not 'error'.",
        hint="await_inside",
    )


@exercise("logging.traced_step", title="Token counts are copied onto step.end")
def test_token_counts(learner: Learner) -> None:
    run = Run(learner, [("plan", "question")])
    extras = run.end("plan", "token_counts")["extras"]
    got = (extras.get("input_tokens"), extras.get("output_tokens"))
    expect(
        got == (412, 37) and all(type(count) is int for count in got),
        f"plan returned ModelReply(..., input_tokens=412, output_tokens=37); step.end has "
        f"{got}, not (412, 37).",
        hint="token_counts",
    )


@exercise("logging.traced_step", title="The caller gets the step's own exception")
def test_exception_is_reraised(learner: Learner) -> None:
    run = Run(learner, [("lookup", "EUR"), ("calendar", "2027-01-15")])
    for step, result in zip(("lookup", "calendar"), run.results, strict=True):
        expect(
            result.get("same_object") is True,
            f"calling the failing step {step}, the caller got {result}, not the step's own "
            "exception object.",
            hint="reraise",
        )


@exercise("logging.traced_step", title="One failure, one ERROR record: step.end")
def test_error_logged_once(learner: Learner) -> None:
    run = Run(learner, [("lookup", "EUR")])
    errors = [s for s in run.seen if s.get("level") in ("ERROR", "CRITICAL")]
    expect(
        len(errors) == 1,
        f"one failure made {len(errors)} ERROR records: {[s.get('message') for s in errors]}.",
        hint="log_once",
    )
    end = errors[0]
    expect(
        end.get("message") == "step.end",
        f"the ERROR record is {end.get('message')!r}, not step.end.",
        hint="log_once",
    )
    got = (end["extras"].get("outcome"), end["extras"].get("error_type"))
    expect(
        got == ("error", "KeyError"),
        f"outcome and error_type of the ERROR record: {got}, not ('error', 'KeyError').",
        hint="log_once",
    )


@exercise("logging.traced_step", title="The ERROR record carries the stack trace")
def test_error_carries_stack_trace(learner: Learner) -> None:
    run = Run(learner, [("lookup", "EUR")])
    end = run.end("lookup", "stack_trace")
    expect(
        end.get("has_exc_info") is True,
        "the ERROR step.end record has no exception information, so no stack trace.",
        hint="stack_trace",
    )
    trace = end.get("exc_info_text")
    last = trace.strip().splitlines()[-1:] if type(trace) is str else []
    expect(
        bool(last) and last[0].startswith("KeyError"),
        f"the record's stack trace ends with {last}, not the KeyError.",
        hint="stack_trace",
    )


@exercise("logging.traced_step", title="Arguments and results stay out of the records")
def test_arguments_are_not_logged(learner: Learner) -> None:
    calls = [("parse", SENTINEL_EMAIL), ("plan", SENTINEL_PASSWORD), ("lookup", SENTINEL_TOKEN)]
    run = Run(learner, calls)
    found = leaks(repr([(s.get("message"), s.get("args"), s["extras"]) for s in run.seen]))
    expect(
        not found,
        f"arguments or results of a step reached the log records: {found}.",
        hint="no_arguments",
    )


@exercise("logging.traced_step", title="Concurrent tasks log their own request id")
def test_request_id_per_task(learner: Learner) -> None:
    helper, module = rig(learner)
    seen = checked_records(helper.call("traced_tasks", module).value)
    got = {(s["extras"].get("step"), s["extras"].get("request_id")) for s in seen}
    want = {("tool_a", "req-a"), ("tool_b", "req-b"), ("tool_c", "req-c")}
    expect(
        got == want,
        f"three tasks with their own REQUEST_ID logged the (step, request_id) pairs "
        f"{sorted(map(str, got))}, not {sorted(map(str, want))}.",
        hint="request_id_per_call",
    )
