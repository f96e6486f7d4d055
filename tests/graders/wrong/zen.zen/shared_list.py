# exercise: zen.zen
# wrong: decodes once into a module-level list and returns that same list on every call
# caught-by: test_zen_returns_a_new_list
# hint: fresh_list
import codecs
import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()):
    import this

ZEN = codecs.decode(this.s, "rot13").splitlines()[2:]


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python, read from the `this` module."""
    return ZEN
