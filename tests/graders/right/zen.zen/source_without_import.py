# exercise: zen.zen
# right: never imports `this`: reads its source through importlib, finds `s` with ast, rot13 by hand
import ast
import importlib.util
import string

LOWER, UPPER = string.ascii_lowercase, string.ascii_uppercase
ROT13 = str.maketrans(LOWER + UPPER, LOWER[13:] + LOWER[:13] + UPPER[13:] + UPPER[:13])


def zen() -> list[str]:
    """The 19 aphorisms, read from the source of the `this` module when called."""
    spec = importlib.util.find_spec("this")
    if spec is None or spec.loader is None:
        raise RuntimeError("the `this` module cannot be found")
    source = spec.loader.get_source("this")  # type: ignore[attr-defined]
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "s":
            encoded = ast.literal_eval(node.value)
            return encoded.translate(ROT13).splitlines()[2:]
    raise RuntimeError("the `this` module has no text `s`")
