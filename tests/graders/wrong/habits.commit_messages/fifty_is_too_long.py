# exercise: habits.commit_messages
# wrong: flags a subject of exactly 50 characters (>= instead of >)
# caught-by: test_commits_good_message
# hint: good_message_flagged
def lint(message: str) -> list[str]:
    """The problems of a commit message, each "Cn: what is wrong"; [] when there are none."""
    lines = message.rstrip().split("\n")
    subject, body = lines[0], lines[1:]
    if not subject.strip():
        return ["C1: the subject line is empty"]
    problems = []
    if len(subject) >= 50:
        problems.append(f"C2: the subject is {len(subject)} characters; at most 50")
    if subject.endswith("."):
        problems.append("C3: the subject ends with a period")
    if not subject[0].isupper():
        problems.append("C4: the subject does not start with a capital letter")
    words = subject.split()
    first = words[0].lower().rstrip(".,:;!?")
    if first.endswith(("ed", "ing")) or (first.endswith("s") and not first.endswith("ss")):
        problems.append(f"C5: {words[0]!r} is not the imperative mood (Fix, Add, Remove)")
    if len(words) < 3:
        problems.append("C6: the subject has fewer than 3 words")
    if body and body[0].strip():
        problems.append("C7: the second line is not blank")
    if not any(line.strip() for line in body):
        problems.append("C8: there is no body saying why")
    if any(len(line) > 72 for line in body):
        problems.append("C9: a body line is longer than 72 characters")
    return problems


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
