# exercise: zen.zen
# right: an examiner's answer, written from the statement alone
# imports this inside zen() under redirect_stdout and decodes the text with this.d
import contextlib
import io


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python, read from the `this` module."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this  # noqa: PLC0415 - imported here, silently, so nothing is printed
    plain = "".join(this.d.get(char, char) for char in this.s)
    _title, _blank, *body = plain.splitlines()
    aphorisms = []
    for line in body:
        text = line.strip()
        if text:
            aphorisms.append(text)
    return aphorisms
