# exercise: habits.config_loader
# wrong: puts the offending value into each problem, secrets included
# caught-by: test_config_never_shows_a_secret
# hint: secret_shown
@dataclass(frozen=True)
class Config:
    """The service's settings, checked once at start-up."""

    app_env: str
    port: int
    timeout_seconds: float
    api_token: SecretStr
    database_url: SecretStr


def load_config(env: Mapping[str, str]) -> Config:
    """Build the Config from env, or raise one ConfigError listing every bad field."""
    problems = []
    values = {name: env.get(name) for name in
              ("APP_ENV", "PORT", "TIMEOUT_SECONDS", "API_TOKEN", "DATABASE_URL")}
    if values["APP_ENV"] not in ("dev", "staging", "prod"):
        problems.append(f"APP_ENV: {values['APP_ENV']!r} is not dev, staging or prod")
    port = values["PORT"] or "8080"
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        problems.append(f"PORT: {port!r} is not a port")
    timeout = values["TIMEOUT_SECONDS"] or "5.0"
    try:
        seconds = float(timeout)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds <= 60:
        problems.append(f"TIMEOUT_SECONDS: {timeout!r} is out of range")
    token = values["API_TOKEN"] or ""
    if not token.strip() or len(token) < 16:
        problems.append(f"API_TOKEN: {token!r} is missing or too short")
    url = values["DATABASE_URL"] or ""
    if not url.strip() or not url.startswith("postgresql://"):
        problems.append(f"DATABASE_URL: {url!r} is not a postgresql:// URL")
    if problems:
        raise ConfigError(problems)
    return Config(values["APP_ENV"], int(port), seconds, SecretStr(token), SecretStr(url))
