# exercise: welcome.greet
# right: guard clause with isspace() first, then string concatenation instead of an f-string
def greet(name: str) -> str:
    if name == "" or name.isspace():
        raise ValueError("greet needs a name that is not only spaces")
    return "Hello, " + name.strip() + "!"
