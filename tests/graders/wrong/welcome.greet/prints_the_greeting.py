# exercise: welcome.greet
# wrong: prints the greeting instead of returning it, so the caller gets None
# caught-by: test_greets_by_name
# hint: return_text
def greet(name: str) -> str:
    """The greeting for `name`, with the spaces around it removed."""
    cleaned = name.strip()
    if not cleaned:
        raise ValueError("a greeting needs a name")
    print(f"Hello, {cleaned}!")
