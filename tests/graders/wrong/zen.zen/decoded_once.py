# exercise: zen.zen
# wrong: decodes `this` once, when the cell runs, and returns copies of that list ever after
# caught-by: test_zen_reads_this_when_it_runs
# hint: read_this_module
import codecs
import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()):
    import this

_APHORISMS = tuple(codecs.decode(this.s, "rot13").splitlines()[2:])


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python."""
    return list(_APHORISMS)
