# exercise: security.settings
# right: no pydantic-settings: read os.environ by hand into a frozen dataclass, report by name
class SettingsError(ValueError):
    """A setting is missing or invalid; the message names it and never shows its value."""


@dataclass(frozen=True)
class Settings:
    pay_api_key: SecretStr
    database_url: SecretStr
    request_timeout_seconds: float


def _required_secret(name: str, min_length: int = 1) -> SecretStr:
    value = os.environ.get(name, "")
    if not value.strip():
        raise SettingsError(f"{name} is not set (or is blank); set it in the environment")
    if len(value) < min_length:
        raise SettingsError(f"{name} must be at least {min_length} characters long")
    return SecretStr(value)


def _timeout(name: str) -> float:
    text = os.environ.get(name, "5.0")
    try:
        seconds = float(text)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds") from None
    if not 0 < seconds <= 60:
        raise SettingsError(f"{name} must be more than 0 and at most 60")
    return seconds


def load_settings() -> Settings:
    """Read the settings from the environment now; raise if any is missing or invalid."""
    return Settings(
        pay_api_key=_required_secret("PAY_API_KEY", min_length=16),
        database_url=_required_secret("DATABASE_URL"),
        request_timeout_seconds=_timeout("REQUEST_TIMEOUT_SECONDS"),
    )
