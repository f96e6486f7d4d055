# exercise: zen.zen
# wrong: imports `this` at the top of the cell, so running the cell prints the whole Zen
# caught-by: test_zen_prints_nothing
# hint: import_side_effect
import codecs

import this


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python, read from the `this` module."""
    return codecs.decode(this.s, "rot13").splitlines()[2:]
