# exercise: habits.proposal
# wrong: fixes a shortcut while marking it (the rate becomes a parameter), so the code is no longer the one under review
# caught-by: test_proposal_code_unchanged
# hint: code_changed
PROPOSAL: dict[str, Any] = {
    "title": "Replace the fixed rate and blind retries in convert",
    "problem": (
        "convert() charges every customer with an exchange rate fixed in the code, so "
        "prices drift from the market; it retries on every exception, including card "
        "declines, and it waits a fixed two seconds, so a slow gateway gets hammered."
    ),
    "options": [
        {
            "name": "Rates service and tenacity",
            "pros": [
                "Rates come from the source finance already trusts",
                "Retries only on errors that can succeed later",
            ],
            "cons": ["Adds a network call before each charge"],
        },
        {
            "name": "Config file rate",
            "pros": ["No new dependency and no new network call"],
            "cons": [
                "Someone must edit the rate by hand every day",
                "Does nothing about the blind retries",
            ],
        },
    ],
    "recommendation": {
        "option": "Rates service and tenacity",
        "why": "It removes both shortcuts, and the extra call is cached for a minute.",
    },
    "risks": [
        {
            "risk": "The rates service is down",
            "mitigation": "Refuse the charge with a clear error instead of guessing a rate",
        }
    ],
    "rollout": [
        "Ship behind a flag that is off by default",
        "Turn it on for one per cent of charges and compare the totals",
        "Turn it on for everyone after a week without differences",
    ],
    "rollback": "Turn the flag off; the old path stays in place until the next release.",
    "approval": "Can the payments team approve this plan before I start on Monday?",
}

ANNOTATED = '''\
import time


def convert(amount_cents: int, gateway, rate: float = 1.08) -> int:
    # TODO(ana): read the rate from the rates service instead of a constant
    # https://tracker.example.com/PAY-42
    for _attempt in range(3):
        try:
            return gateway.send(round(amount_cents * rate))
        # TODO(ana): catch only the gateway's retryable errors
        # https://tracker.example.com/PAY-43
        except Exception:
            # TODO(ana): back off with jitter instead of a fixed pause
            # https://tracker.example.com/PAY-44
            time.sleep(2)
    return 0
'''
