# exercise: zen.zen
# wrong: imports `this` inside zen() without silencing it, so the first call prints
# caught-by: test_zen_prints_nothing
# hint: import_side_effect
import codecs


def zen() -> list[str]:
    """Return the 19 aphorisms of the Zen of Python, read from the `this` module."""
    import this

    return codecs.decode(this.s, "rot13").splitlines()[2:]
