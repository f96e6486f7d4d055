# exercise: habits.proposal
# right: the proposal is built from dataclasses with asdict; the markers are inserted into LEGACY's lines by a loop
from dataclasses import asdict, field


@dataclass
class Option:
    name: str
    pros: list[str] = field(default_factory=list)
    cons: list[str] = field(default_factory=list)


options = [
    Option("Keep it and tune", ["Smallest change we could make today"], ["Leaves the fixed rate in place"]),
    Option("Rates client with retries", ["Fixes the rate and the retries together"],
           ["Needs a new client and its tests"]),
    Option("Buy a payments SDK", ["Someone else maintains the retry logic"],
           ["Costs money and adds a vendor lock-in"]),
]

PROPOSAL = {
    "title": "Stop guessing exchange rates at checkout",
    "problem": (
        "The converter multiplies by a constant rate written last spring, so every "
        "foreign charge is off by whatever the market moved since; it also retries "
        "declined cards three times, which the gateway counts as abuse."
    ),
    "options": [asdict(option) for option in options],
    "recommendation": {
        "option": options[1].name,
        "why": "It is the only option that fixes both the rate and the retries at once.",
    },
    "risks": [
        {"risk": "Rates arrive late at month end", "mitigation": "Cache the last rate for one hour"},
        {"risk": "Retries double a charge", "mitigation": "Send an idempotency key with each attempt"},
    ],
    "rollout": ["Deploy the client dark and log its rates", "Switch EUR charges first, then the rest"],
    "rollback": "Revert the single commit that switches the converter to the new client; nothing else changes.",
    "approval": "Do you approve the rates client with retries as described here?",
}

MARKERS = {
    "rate = 1.08": ["# TODO(ben): fetch the rate from the rates client", "# PAY-101"],
    "except Exception:": ["# TODO(ben): narrow this to retryable gateway errors", "# PAY-102"],
    "time.sleep(2)": ["# TODO(ben): exponential backoff with jitter", "# PAY-103"],
}

lines = []
for line in LEGACY.splitlines():
    code = line.strip()
    if code in MARKERS:
        indent = line[: len(line) - len(line.lstrip())]
        lines.extend(indent + comment for comment in MARKERS[code])
    lines.append(line)
ANNOTATED = "\n".join(lines) + "\n"
