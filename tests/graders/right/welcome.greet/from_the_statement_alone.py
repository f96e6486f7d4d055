# exercise: welcome.greet
# right: an examiner's answer, written from the statement alone
# strips the name, raises ValueError when nothing is left, joins with + instead of an
# f-string
def greet(name: str) -> str:
    """The greeting for `name`, with the spaces around it removed."""
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("a name must not be empty or only spaces")
    return "Hello, " + cleaned + "!"
