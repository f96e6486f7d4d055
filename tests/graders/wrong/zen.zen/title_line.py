# exercise: zen.zen
# wrong: keeps the title line "The Zen of Python, by Tim Peters" (and drops only the blank)
# caught-by: test_zen_has_nineteen_aphorisms
# hint: title_line
import codecs
import contextlib
import io


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python, read from the `this` module."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return [line for line in codecs.decode(this.s, "rot13").splitlines() if line]
