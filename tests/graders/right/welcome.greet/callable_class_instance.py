# exercise: welcome.greet
# right: greet is an instance of a small class with __call__ and a format template
class Greeter:
    """Greets people with one fixed template."""

    template = "Hello, {}!"

    def __call__(self, name: str) -> str:
        words = name.split()
        if not words:
            raise ValueError(f"cannot greet {name!r}: there is no name in it")
        return self.template.format(name.strip())


greet = Greeter()
