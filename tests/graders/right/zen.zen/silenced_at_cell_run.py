# exercise: zen.zen
# right: imports `this` once when the cell runs, silenced; zen() decodes this.s anew on each call
import codecs
from contextlib import redirect_stdout
from io import StringIO

with redirect_stdout(StringIO()):
    import this


def zen() -> list[str]:
    """A fresh list of the 19 aphorisms, decoded from this.s."""
    title, blank, *aphorisms = codecs.decode(this.s, "rot_13").split("\n")
    return aphorisms
