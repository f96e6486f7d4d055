# exercise: habits.commit_messages
# right: an examiner's answer, written from the statement alone
# the commit rules checked one by one from the statement
SUBJECT_LIMIT = 50
BODY_LIMIT = 72


def lint(message: str) -> list[str]:
    """The problems of a commit message, each "Cn: what is wrong"; [] when there are none."""
    lines = message.rstrip().split("\n")
    subject, body = lines[0], lines[1:]
    if not subject.strip():
        return ["C1: the message is empty or its subject is blank"]

    problems = []
    if len(subject) > SUBJECT_LIMIT:
        problems.append(f"C2: the subject is {len(subject)} characters; at most {SUBJECT_LIMIT}")
    if subject.rstrip().endswith("."):
        problems.append("C3: the subject ends with a period")
    if not subject[0].isupper():
        problems.append("C4: the subject does not start with an upper-case letter")
    words = subject.split()
    verb = words[0].lower().rstrip(".,:;!?")
    looks_past_or_present = (
        verb.endswith("ed") or verb.endswith("ing") or (verb.endswith("s") and not verb.endswith("ss"))
    )
    if looks_past_or_present:
        problems.append(f"C5: the subject starts with {words[0]!r}, not an imperative verb")
    if len(words) < 3:
        problems.append(f"C6: the subject has {len(words)} word(s); at least 3")
    if body and body[0].strip():
        problems.append("C7: the second line is not blank")
    if all(not line.strip() for line in body):
        problems.append("C8: there is no body saying why")
    longest = max((len(line) for line in body), default=0)
    if longest > BODY_LIMIT:
        problems.append(f"C9: a body line is {longest} characters; at most {BODY_LIMIT}")
    return problems


MESSAGES = {
    "timeout": (
        "Add a timeout to gateway charge requests\n"
        "\n"
        "Without a timeout a slow gateway could hold a worker forever and\n"
        "the whole service would stall behind it. Five seconds is well above\n"
        "the gateway's usual answer time.\n"
    ),
    "rounding": (
        "Convert amounts to cents with Decimal\n"
        "\n"
        "round() on a float rounds half to even on a binary approximation,\n"
        "so some amounts lost a cent. Quantizing a Decimal with ROUND_HALF_UP\n"
        "gives the cent a customer expects.\n"
    ),
    "password_log": (
        "Stop writing the password to the login log\n"
        "\n"
        "The log line held the user's password in clear text, and logs are\n"
        "read by many people and kept for months. Log the user id only.\n"
    ),
}
