# exercise: habits.commit_messages
# wrong: the messages follow every rule but say nothing about what changed
# caught-by: test_commits_subjects_name_the_change
# hint: subject_names_change
def lint(message: str) -> list[str]:
    """The problems of a commit message, each "Cn: what is wrong"; [] when there are none."""
    lines = message.rstrip().split("\n")
    subject, body = lines[0], lines[1:]
    if not subject.strip():
        return ["C1: the subject line is empty"]
    problems = []
    if len(subject) > 50:
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


BODY = "\n\nA reviewer asked for it in the last review round,\nso here it is.\n"
MESSAGES = {
    "timeout": "Improve the payments code" + BODY,
    "rounding": "Improve the payments code" + BODY,
    "password_log": "Apply the review feedback" + BODY,
}
