# exercise: habits.config_loader
# wrong: falls back to a development token when API_TOKEN is missing
# caught-by: test_config_secret_rules
# hint: secret_required
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
    problems: list[str] = []

    app_env = env.get("APP_ENV", "")
    if app_env not in ("dev", "staging", "prod"):
        problems.append("APP_ENV: must be one of dev, staging, prod")

    port = 8080
    port_text = env.get("PORT")
    if port_text is not None:
        if re.fullmatch(r"[0-9]+", port_text) and 1 <= int(port_text) <= 65535:
            port = int(port_text)
        else:
            problems.append("PORT: must be a whole number from 1 to 65535")

    timeout_seconds = 5.0
    timeout_text = env.get("TIMEOUT_SECONDS")
    if timeout_text is not None:
        try:
            timeout_seconds = float(timeout_text)
        except ValueError:
            timeout_seconds = math.nan
        if not 0 < timeout_seconds <= 60:
            problems.append("TIMEOUT_SECONDS: must be a number greater than 0 and at most 60")

    api_token = env.get("API_TOKEN", "dev-token-0000000000")
    if not api_token.strip():
        problems.append("API_TOKEN: is required")
    elif len(api_token) < 16:
        problems.append("API_TOKEN: must be at least 16 characters")

    database_url = env.get("DATABASE_URL", "")
    if not database_url.strip():
        problems.append("DATABASE_URL: is required")
    elif not database_url.startswith("postgresql://"):
        problems.append("DATABASE_URL: must start with postgresql://")

    if problems:
        raise ConfigError(problems)
    return Config(app_env, port, timeout_seconds, SecretStr(api_token), SecretStr(database_url))
