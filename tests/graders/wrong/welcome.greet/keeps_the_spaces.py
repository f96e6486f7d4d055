# exercise: welcome.greet
# wrong: checks for an empty name but greets the name with its spaces
# caught-by: test_strips_spaces_around_the_name
# hint: strip
def greet(name: str) -> str:
    """The greeting for `name`, with the spaces around it removed."""
    if not name.strip():
        raise ValueError("a greeting needs a name")
    return f"Hello, {name}!"
