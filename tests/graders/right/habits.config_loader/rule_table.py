# exercise: habits.config_loader
# right: one parser per variable in a table; each returns a value or raises, and the loop collects every failure
class Config:
    """The service's settings, checked once at start-up (read-only attributes)."""

    __slots__ = ("app_env", "port", "timeout_seconds", "api_token", "database_url")

    def __init__(self, **values: object) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Config is read-only")

    def __repr__(self) -> str:
        return f"Config(app_env={self.app_env!r}, port={self.port}, secrets hidden)"


class Bad(Exception):
    pass


def app_env(text: str | None) -> str:
    if text not in {"dev", "staging", "prod"}:
        raise Bad("must be dev, staging or prod")
    return text


def port(text: str | None) -> int:
    if text is None:
        return 8080
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        raise Bad("must be a port number from 1 to 65535")
    return int(text)


def timeout(text: str | None) -> float:
    if text is None:
        return 5.0
    try:
        seconds = float(text)
    except ValueError:
        raise Bad("must be a number") from None
    if not (seconds > 0 and seconds <= 60):
        raise Bad("must be greater than 0 and at most 60")
    return seconds


def secret(minimum: int = 1, prefix: str = "") -> Any:
    def parse(text: str | None) -> SecretStr:
        if text is None or text.strip() == "":
            raise Bad("is required and has no default")
        if len(text) < minimum or not text.startswith(prefix):
            raise Bad(f"must be at least {minimum} characters and start with {prefix!r}")
        return SecretStr(text)

    return parse


RULES = {
    "APP_ENV": ("app_env", app_env),
    "PORT": ("port", port),
    "TIMEOUT_SECONDS": ("timeout_seconds", timeout),
    "API_TOKEN": ("api_token", secret(minimum=16)),
    "DATABASE_URL": ("database_url", secret(prefix="postgresql://")),
}


def load_config(env: Mapping[str, str]) -> Config:
    """Build the Config from env, or raise one ConfigError listing every bad field."""
    values, problems = {}, []
    for variable, (field, parse) in RULES.items():
        try:
            values[field] = parse(env.get(variable))
        except Bad as error:
            problems.append(f"{variable}: {error}")
    if problems:
        raise ConfigError(problems)
    return Config(**values)
