# exercise: welcome.greet
# wrong: greets an empty name instead of refusing it
# caught-by: test_refuses_an_empty_name
# hint: empty_name
def greet(name: str) -> str:
    """The greeting for `name`, with the spaces around it removed."""
    return f"Hello, {name.strip()}!"
