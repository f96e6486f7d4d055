# exercise: zen.zen
# right: decodes with the module's own letter table this.d, silencing the import, and filters
import contextlib
import io


def zen() -> list[str]:
    """The 19 aphorisms of the Zen of Python, decoded from `this` on every call."""
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    text = "".join(this.d.get(char, char) for char in this.s)
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines[1:] if line]
