"""v2 graders of habits.commit_messages: a linter's verdicts, and messages real git keeps.

`lint` is called on fixed messages; its answer must be a list of strings of the form
"Cn: words", and the set of codes is compared here with the rules the statement states.
`MESSAGES` comes back as plain data and is committed with real git on the trusted side
(`habits_git`); what `git log` gives back is judged by the reference linter there.
"""

from __future__ import annotations

import re

from habits_git import GitRefused, commit_and_read_back, reference_lint

from zendo.judge import Learner, exercise, expect, fail, show

PROBLEM = re.compile(r"C[1-9]: \S")
GOOD_BODY = "\n\nThe old code retried declined cards, which charged\ncustomers twice.\n"
CHANGES = {
    "timeout": ("payments/gateway.py", ("timeout",)),
    "rounding": ("payments/money.py", ("round", "decimal", "cent")),
    "password_log": ("accounts/login.py", ("password", "log", "secret")),
}
# The same files as the setup cell's CHANGES: the grader keeps its own copy.
BEFORE_AFTER = {
    "timeout": (
        'def charge(client, body):\n    return client.post("/charges", json=body)\n',
        "GATEWAY_TIMEOUT = 5.0\n\n\ndef charge(client, body):\n"
        '    return client.post("/charges", json=body, timeout=GATEWAY_TIMEOUT)\n',
    ),
    "rounding": (
        "def to_cents(amount):\n    return int(round(amount * 100))\n",
        "from decimal import ROUND_HALF_UP, Decimal\n\n\ndef to_cents(amount: Decimal) -> int:\n"
        '    return int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)\n',
    ),
    "password_log": (
        "def login(user, password):\n"
        '    logger.info(f"login {user} with {password}")\n    return check(user, password)\n',
        "def login(user, password):\n"
        '    logger.info("login attempt", extra={"user_id": user.id})\n'
        "    return check(user, password)\n",
    ),
}

GOOD = [
    "Stop retrying declined cards" + GOOD_BODY,
    "Stop retrying declined cards" + GOOD_BODY.rstrip("\n"),
    "Add a timeout to every gateway call\n\nA gateway that never answers held workers forever.\n\n"
    "Second paragraph, still under the limit of seventy-two characters.",
    "Process refunds in the order they arrive" + GOOD_BODY,
    "Fix the " + "x" * 42 + GOOD_BODY,  # exactly 50 characters
    "Refuse amounts with more than two decimals\n\n" + "y" * 72 + "\n",
]
SUBJECT_LENGTH = [
    ("Fix the " + "x" * 43 + GOOD_BODY, {"C2"}),  # 51 characters
    ("Make the retry policy of the payment gateway client configurable" + GOOD_BODY, {"C2"}),
]
SUBJECT_FORM = [
    ("Stop retrying declined cards." + GOOD_BODY, {"C3"}),
    ("stop retrying declined cards" + GOOD_BODY, {"C4"}),
    ("2 retries for declined cards" + GOOD_BODY, {"C4"}),
    ("Retry less" + GOOD_BODY, {"C6"}),
    ("Refactor" + GOOD_BODY, {"C6"}),
]
IMPERATIVE = [
    ("Fixed the retry of declined cards" + GOOD_BODY, {"C5"}),
    ("Adding a timeout to gateway calls" + GOOD_BODY, {"C5"}),
    ("Updates the rounding of amounts" + GOOD_BODY, {"C5"}),
    ("Removed: the old rounding helper" + GOOD_BODY, {"C5"}),
    ("Pass the timeout to the gateway" + GOOD_BODY, set()),
]
BODY_LAYOUT = [
    ("Stop retrying declined cards\nThe old code retried them.", {"C7"}),
    ("Stop retrying declined cards", {"C8"}),
    ("Stop retrying declined cards\n\n   \n", {"C8"}),
    ("Stop retrying declined cards\n\n" + "z" * 73, {"C9"}),
    ("Stop retrying declined cards\n\nShort line.\n" + "w " * 40, {"C9"}),
]
EMPTY = [("", {"C1"}), ("\n\n", {"C1"}), ("   \nbody after a blank subject", {"C1"})]
EVERYTHING = [
    ("fixed stuff", {"C4", "C5", "C6", "C8"}),
    ("Updated files.", {"C3", "C5", "C6", "C8"}),
    ("changing the way that the gateway client retries declined cards.\nbecause\n" + "v" * 80,
     {"C2", "C3", "C4", "C5", "C7", "C9"}),
]  # fmt: skip


def codes_of(learner: Learner, message: str) -> set[str]:
    problems = learner.call("lint", message).value
    if type(problems) is not list or not all(type(p) is str for p in problems):
        fail(f"lint({message!r}) returned {show(problems)}; expected a list of strings.",
             hint="problem_format")  # fmt: skip
    for problem in problems:
        expect(
            PROBLEM.match(problem) is not None,
            f"lint({message!r}) returned the problem {problem!r}; each must start with its "
            'code, a colon and a space ("C2: the subject is 63 characters").',
            hint="problem_format",
        )
    codes = [problem[:2] for problem in problems]
    expect(
        len(codes) == len(set(codes)),
        f"lint({message!r}) returned {problems!r}: a rule is reported at most once.",
        hint="problem_format",
    )
    return set(codes)


def check_messages(learner: Learner, cases: list[tuple[str, set[str]]], *, hint: str) -> None:
    for message, wanted in cases:
        got = codes_of(learner, message)
        expect(
            got == wanted,
            f"lint({message!r}) reported {sorted(got) or 'nothing'}; expected "
            f"{sorted(wanted) or 'nothing'}.",
            hint=hint,
        )


@exercise("habits.commit_messages", title="A good message has no problems")
def test_commits_good_message(learner: Learner) -> None:
    check_messages(learner, [(message, set()) for message in GOOD], hint="good_message_flagged")


@exercise("habits.commit_messages", title="The subject is at most 50 characters")
def test_commits_subject_length(learner: Learner) -> None:
    check_messages(learner, SUBJECT_LENGTH, hint="subject_length")


@exercise("habits.commit_messages", title="Period, capital and word count of the subject")
def test_commits_subject_form(learner: Learner) -> None:
    check_messages(learner, SUBJECT_FORM, hint="subject_form")


@exercise("habits.commit_messages", title="The imperative-mood heuristic")
def test_commits_imperative(learner: Learner) -> None:
    check_messages(learner, IMPERATIVE, hint="imperative_mood")


@exercise("habits.commit_messages", title="Blank second line, a body, short body lines")
def test_commits_body_layout(learner: Learner) -> None:
    check_messages(learner, BODY_LAYOUT, hint="body_layout")


@exercise("habits.commit_messages", title="An empty message is C1 alone")
def test_commits_empty(learner: Learner) -> None:
    check_messages(learner, EMPTY, hint="empty_message")


@exercise("habits.commit_messages", title="Every problem is reported")
def test_commits_every_problem(learner: Learner) -> None:
    check_messages(learner, EVERYTHING, hint="report_every_problem")


def learner_messages(learner: Learner) -> dict[str, str]:
    messages = learner.get("MESSAGES").value
    expect(
        type(messages) is dict
        and sorted(messages) == sorted(CHANGES)
        and all(type(text) is str for text in messages.values()),
        f"MESSAGES is {show(messages)}; expected a dict with the keys "
        f"{', '.join(sorted(CHANGES))}, each a message string.",
        hint="message_fails_lint",
    )
    return messages


# What git gave back for a set of messages, so the two tests that read it commit once.
# Judge-side data only: keyed by the messages themselves, never by anything of the sandbox.
READ_BACK: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def read_back(learner: Learner) -> dict[str, str]:
    messages = learner_messages(learner)
    key = tuple(sorted(messages.items()))
    if key not in READ_BACK:
        names = sorted(CHANGES)
        changes = [(CHANGES[n][0], *BEFORE_AFTER[n], messages[n]) for n in names]
        try:
            shown = commit_and_read_back(changes)
        except GitRefused as refusal:
            name = next(n for n in names if CHANGES[n][0] == refusal.path)
            fail(f"git would not commit your message for {name!r}: {refusal.explanation}",
                 hint="message_fails_lint")  # fmt: skip
        READ_BACK.clear()
        READ_BACK[key] = dict(zip(names, shown, strict=True))
    return READ_BACK[key]


@exercise("habits.commit_messages", title="Your messages pass the rules after a real commit")
def test_commits_messages_pass(learner: Learner) -> None:
    for name, message in read_back(learner).items():
        broken = sorted(reference_lint(message))
        expect(
            not broken,
            f"Your message for {name!r}, as git log shows it after the commit, breaks "
            f"{', '.join(broken)}: {message!r}.",
            hint="message_fails_lint",
        )


@exercise("habits.commit_messages", title="Each subject names its change")
def test_commits_subjects_name_the_change(learner: Learner) -> None:
    subjects = {}
    for name, message in read_back(learner).items():
        subject = message.strip().split("\n")[0]
        _, keywords = CHANGES[name]
        expect(
            any(word in subject.lower() for word in keywords),
            f"The subject for {name!r} is {subject!r}; it should use one of {', '.join(keywords)}.",
            hint="subject_names_change",
        )
        subjects[name] = subject
    expect(
        len(set(subjects.values())) == len(subjects),
        f"Two changes have the same subject: {subjects!r}.",
        hint="subject_names_change",
    )
