# exercise: zen.zen
# wrong: splits the captured print output on "\n", which leaves an empty 20th item
# caught-by: test_zen_has_nineteen_aphorisms
# hint: nineteen
import contextlib
import io
import sys


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python, read from the `this` module."""
    sys.modules.pop("this", None)  # import again, so that it prints again
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        import this  # noqa: F401 - imported for the text it prints
    return printed.getvalue().split("\n")[2:]
