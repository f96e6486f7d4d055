# exercise: habits.proposal
# right: an examiner's answer, written from the statement alone
# TODO markers with their ticket on the next line
PROPOSAL: dict[str, Any] = {
    "title": "Replace the legacy conversion and retry loop",
    "problem": (
        "convert() uses a fixed exchange rate of 1.08 that is wrong most days, hides every "
        "error behind a bare except, and sleeps a fixed two seconds between attempts. "
        "Customers are charged wrong amounts and failures silently return zero."
    ),
    "options": [
        {
            "name": "Patch in place",
            "pros": ["smallest change to review", "no new dependency needed"],
            "cons": ["keeps the hand-written retry loop", "rates still need a source"],
        },
        {
            "name": "Rates service plus tenacity",
            "pros": ["live rates from one place", "bounded retries with jittered backoff"],
            "cons": ["adds a network dependency", "needs a new library pinned"],
        },
    ],
    "recommendation": {
        "option": "Rates service plus tenacity",
        "why": "It fixes all three shortcuts at their root instead of moving them elsewhere.",
    },
    "risks": [
        {
            "risk": "the rates service is down",
            "mitigation": "fail the conversion loudly and alert on it",
        },
        {
            "risk": "retries charge twice",
            "mitigation": "send one idempotency key for every attempt",
        },
    ],
    "rollout": [
        "ship behind a feature flag",
        "enable it for internal accounts first",
        "compare amounts with the old path for a week",
        "turn it on for everyone",
    ],
    "rollback": "Turn the feature flag off, which sends every conversion back through the old code.",
    "approval": "Can the payments team approve this plan by Friday?",
}

ANNOTATED = '''\
import time


def convert(amount_cents: int, gateway) -> int:
    # TODO(d): read the rate from the rates service instead of a constant
    # PAY-101
    rate = 1.08
    for _attempt in range(3):
        try:
            return gateway.send(round(amount_cents * rate))
        # TODO(d): catch only the gateway's retryable errors, and let others surface
        # PAY-102
        except Exception:
            # TODO(d): back off exponentially with jitter instead of a fixed pause
            # PAY-103
            time.sleep(2)
    return 0
'''
