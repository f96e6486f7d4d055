# exercise: welcome.greet
# wrong: leaves out the comma after Hello
# caught-by: test_greets_by_name
# hint: exact_text
def greet(name: str) -> str:
    """The greeting for `name`, with the spaces around it removed."""
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("a greeting needs a name")
    return f"Hello {cleaned}!"
