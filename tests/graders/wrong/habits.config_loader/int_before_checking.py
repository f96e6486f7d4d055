# exercise: habits.config_loader
# wrong: converts PORT with int() before checking it, so "abc" escapes as a ValueError
# caught-by: test_config_field_rules
# hint: one_exception_type
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
    app_env = env.get("APP_ENV", "")
    if app_env not in ("dev", "staging", "prod"):
        problems.append("APP_ENV: must be one of dev, staging, prod")
    port = int(env.get("PORT", "8080"))
    if not 1 <= port <= 65535:
        problems.append("PORT: must be from 1 to 65535")
    timeout = float(env.get("TIMEOUT_SECONDS", "5.0"))
    if not 0 < timeout <= 60:
        problems.append("TIMEOUT_SECONDS: must be greater than 0 and at most 60")
    token = env.get("API_TOKEN", "")
    if len(token.strip()) < 16:
        problems.append("API_TOKEN: missing or shorter than 16 characters")
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgresql://"):
        problems.append("DATABASE_URL: missing or not postgresql://")
    if problems:
        raise ConfigError(problems)
    return Config(app_env, port, timeout, SecretStr(token), SecretStr(url))
