# exercise: zen.zen
# wrong: reads the lines with readlines(), which keeps the newline at the end of each
# caught-by: test_zen_matches_this_module
# hint: trailing_whitespace
import codecs
import contextlib
import io


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python, read from the `this` module."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return io.StringIO(codecs.decode(this.s, "rot13")).readlines()[2:]
