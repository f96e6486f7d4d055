"""v2 graders of resilience.retry_after: a tenacity wait that honours Retry-After, capped.

The scenario (resilience_rig.retry_after) puts the learner's wait, made with the fallback
`wait_exponential(multiplier=0.5)` (0.5, 1, 2, 4, 8 s: no header in these tests says
those numbers), into the grader's own tenacity loop around real POSTs to the judge's
gateway, with a recorder as `sleep`. The judge scripts the answers and compares the
recorded waits.
"""

from __future__ import annotations

from resilience_helpers import gateway, result, socket_inside, waits_of
from resilience_rig import rig

from zendo.judge import Learner, exercise, expect, fail

FALLBACK = [0.5, 1.0, 2.0, 4.0, 8.0]


def waits(learner: Learner, script: list[str], hint: str, cap: float | None = None) -> list[float]:
    """The waits the learner's strategy chose, one gateway answer per attempt."""
    helper, module = rig(learner)
    gateway(learner).play(*script)
    made = "wait_retry_after(fallback)" if cap is None else f"wait_retry_after(fallback, cap={cap})"
    got = result(helper.call("retry_after", module, socket_inside(learner), len(script), cap), made)
    seen = waits_of(got)
    if got.get("stopped") or "raised" in got:
        fail(
            f"With the answers {script!r}, the loop waiting with {made} did not end with the "
            f"last answer's charge: it raised {got.get('raised')}: {got.get('message')} "
            f"after the waits {seen!r}.",
            hint=hint,
        )
    return seen


@exercise("resilience.retry_after", title="Retry-After seconds are waited on 503 and 429")
def test_retry_after_seconds_are_honoured(learner: Learner) -> None:
    seen = waits(learner, ["503:2", "429:7", "ok"], "honour_retry_after")
    expect(
        seen == [2.0, 7.0],
        f"After 503 with Retry-After: 2 and 429 with Retry-After: 7 the waits were {seen!r}; "
        "expected [2.0, 7.0].",
        hint="honour_retry_after",
    )


@exercise("resilience.retry_after", title="A huge Retry-After is capped")
def test_retry_after_is_capped(learner: Learner) -> None:
    seen = waits(learner, ["503:120", "ok"], "cap_retry_after")
    expect(
        seen == [30.0],
        f"Retry-After: 120 gave the waits {seen!r}; expected [30.0] (the default cap).",
        hint="cap_retry_after",
    )
    seen = waits(learner, ["429:7", "ok"], "cap_retry_after", cap=5.0)
    expect(
        seen == [5.0],
        f"With cap=5.0, Retry-After: 7 gave the waits {seen!r}; expected [5.0].",
        hint="cap_retry_after",
    )


@exercise("resilience.retry_after", title="An unusable Retry-After falls back, never raises")
def test_unusable_retry_after_falls_back(learner: Learner) -> None:
    script = ["503:soon", "503:", "503:-1", "503:1.5", "503:Wed, 21 Oct 2015 07:28:00 GMT", "ok"]
    seen = waits(learner, script, "fallback_wait")
    expect(
        seen == FALLBACK,
        "With Retry-After values 'soon', none, '-1', '1.5' and an HTTP date the waits were "
        f"{seen!r}; expected the fallback's {FALLBACK!r}.",
        hint="fallback_wait",
    )


@exercise("resilience.retry_after", title="Only 429 and 503 are read; the rest falls back")
def test_retry_after_only_for_429_and_503(learner: Learner) -> None:
    seen = waits(learner, ["500:3", "drop", "ok"], "retry_after_statuses")
    expect(
        seen == FALLBACK[:2],
        f"After a 500 with Retry-After: 3 and a dropped connection the waits were {seen!r}; "
        f"expected the fallback's {FALLBACK[:2]!r}.",
        hint="retry_after_statuses",
    )
