# exercise: habits.commit_messages
# wrong: returns at the first broken rule, so a message with four problems shows only one
# caught-by: test_commits_every_problem
# hint: report_every_problem
def lint(message: str) -> list[str]:
    """The problems of a commit message, each "Cn: what is wrong"; [] when there are none."""
    lines = message.rstrip().split("\n")
    subject, body = lines[0], lines[1:]
    words = subject.split()
    first = words[0].lower().rstrip(".,:;!?") if words else ""
    rules = [
        ("C1", not subject.strip()),
        ("C2", len(subject) > 50),
        ("C3", subject.endswith(".")),
        ("C4", not subject[:1].isupper()),
        ("C5", first.endswith(("ed", "ing")) or (first.endswith("s") and not first.endswith("ss"))),
        ("C6", len(words) < 3),
        ("C7", bool(body) and bool(body[0].strip())),
        ("C8", not any(line.strip() for line in body)),
        ("C9", any(len(line) > 72 for line in body)),
    ]
    for code, broken in rules:
        if broken:
            return [f"{code}: this rule is broken"]
    return []


MESSAGES = {
    "timeout": (
        "Give the gateway call a five-second timeout\n"
        "\n"
        "Without a timeout, a gateway that accepts the connection and never\n"
        "answers holds a worker forever; under load every worker ends up\n"
        "waiting and the service stops. Five seconds is above the gateway's\n"
        "slowest answer in last month's logs.\n"
    ),
    "rounding": (
        "Round amounts to cents with Decimal half-up\n"
        "\n"
        "round() on a float rounded 2.675 down to 2.67, because the float is\n"
        "really 2.67499...; customers were charged a cent less than the\n"
        "invoice said. Decimal keeps the digits and the rounding rule is now\n"
        "the one finance asked for.\n"
    ),
    "password_log": (
        "Stop writing passwords to the login log\n"
        "\n"
        "The login message put the password in clear text into every log\n"
        "line, and logs are read by more people than the database. Log the\n"
        "user's id as a field instead, so attempts can still be counted.\n"
    ),
}
