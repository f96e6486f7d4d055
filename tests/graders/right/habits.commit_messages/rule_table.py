# exercise: habits.commit_messages
# right: the rules are a table of (code, predicate, words); messages are built from lists of lines
def _first_word(subject: str) -> str:
    return subject.split()[0].lower().rstrip(".,:;!?")


def _not_imperative(subject: str) -> bool:
    word = _first_word(subject)
    return word.endswith("ed") or word.endswith("ing") or (word[-1:] == "s" and word[-2:] != "ss")


SUBJECT_RULES = [
    ("C2", lambda s: len(s) > 50, "subject over 50 characters"),
    ("C3", lambda s: s[-1] == ".", "subject ends with a period"),
    ("C4", lambda s: not s[0].isupper(), "subject must start with a capital"),
    ("C5", _not_imperative, "subject is not imperative"),
    ("C6", lambda s: len(s.split()) < 3, "subject has fewer than three words"),
]
BODY_RULES = [
    ("C7", lambda b: len(b) > 0 and b[0].strip() != "", "no blank line after the subject"),
    ("C8", lambda b: all(not line.strip() for line in b), "no body"),
    ("C9", lambda b: max((len(line) for line in b), default=0) > 72, "body line over 72"),
]


def lint(message: str) -> list[str]:
    """The problems of a commit message, each "Cn: what is wrong"; [] when there are none."""
    subject, *body = message.rstrip().split("\n")
    if subject.strip() == "":
        return ["C1: empty subject"]
    found = [f"{code}: {words}" for code, rule, words in SUBJECT_RULES if rule(subject)]
    return found + [f"{code}: {words}" for code, rule, words in BODY_RULES if rule(body)]


def message(subject: str, *body: str) -> str:
    return "\n".join([subject, "", *body])


MESSAGES = {
    "timeout": message(
        "Add a timeout to gateway charges",
        "A charge could wait forever on a gateway that never answers.",
        "GATEWAY_TIMEOUT bounds each call at five seconds.",
    ),
    "rounding": message(
        "Convert to cents with Decimal rounding",
        "Float rounding turned 2.675 into 2.67 and lost a cent per order.",
    ),
    "password_log": message(
        "Remove the password from the login log line",
        "Passwords must never be written anywhere; the user id is enough",
        "to follow a login in the logs.",
    ),
}
