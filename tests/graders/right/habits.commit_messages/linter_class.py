# exercise: habits.commit_messages
# right: a small class with one method per rule; the messages use textwrap to keep lines short
import textwrap


class CommitLinter:
    def __init__(self, message: str) -> None:
        self.lines = message.rstrip().split("\n")
        self.subject = self.lines[0]
        self.body = self.lines[1:]

    def problems(self) -> list[str]:
        if not self.subject.strip():
            return ["C1: the subject is empty"]
        checks = [self.c2, self.c3, self.c4, self.c5, self.c6, self.c7, self.c8, self.c9]
        return [problem for check in checks if (problem := check())]

    def c2(self) -> str:
        return "C2: subject too long" if len(self.subject) > 50 else ""

    def c3(self) -> str:
        return "C3: trailing period" if self.subject.endswith(".") else ""

    def c4(self) -> str:
        return "" if self.subject[0].isupper() else "C4: no capital letter"

    def c5(self) -> str:
        word = self.subject.split()[0].lower()
        while word and word[-1] in ".,:;!?":
            word = word[:-1]
        past_or_ing = word.endswith("ed") or word.endswith("ing")
        third_person = word.endswith("s") and not word.endswith("ss")
        return "C5: not imperative" if past_or_ing or third_person else ""

    def c6(self) -> str:
        return "C6: too few words" if len(self.subject.split()) < 3 else ""

    def c7(self) -> str:
        return "C7: second line not blank" if self.body and self.body[0].strip() else ""

    def c8(self) -> str:
        return "" if any(line.strip() for line in self.body) else "C8: no body"

    def c9(self) -> str:
        return "C9: body line too long" if any(len(line) > 72 for line in self.body) else ""


def lint(message: str) -> list[str]:
    """The problems of a commit message, each "Cn: what is wrong"; [] when there are none."""
    return CommitLinter(message).problems()


def compose(subject: str, why: str) -> str:
    return subject + "\n\n" + textwrap.fill(why, width=72) + "\n"


MESSAGES = {
    "timeout": compose(
        "Bound the gateway call with a timeout",
        "Without a timeout a hung gateway keeps a worker busy forever, and enough of "
        "them stop the whole service.",
    ),
    "rounding": compose(
        "Use Decimal for rounding to cents",
        "round() on floats rounds 2.675 down because the float is slightly less than "
        "2.675; Decimal keeps the digits and rounds half up as finance expects.",
    ),
    "password_log": compose(
        "Keep passwords out of the login log",
        "Anyone who can read the logs could read every password typed at login.",
    ),
}
