# exercise: habits.config_loader
# wrong: raises at the first problem it meets, so a second bad field is only found after a restart
# caught-by: test_config_reports_everything
# hint: report_everything
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
    app_env = env.get("APP_ENV", "")
    if app_env not in ("dev", "staging", "prod"):
        raise ConfigError(["APP_ENV: must be one of dev, staging, prod"])
    port_text = env.get("PORT", "8080")
    if not re.fullmatch(r"[0-9]+", port_text) or not 1 <= int(port_text) <= 65535:
        raise ConfigError(["PORT: must be a whole number from 1 to 65535"])
    try:
        timeout = float(env.get("TIMEOUT_SECONDS", "5.0"))
    except ValueError:
        timeout = math.nan
    if not 0 < timeout <= 60:
        raise ConfigError(["TIMEOUT_SECONDS: must be greater than 0 and at most 60"])
    token = env.get("API_TOKEN", "")
    if not token.strip():
        raise ConfigError(["API_TOKEN: is required"])
    if len(token) < 16:
        raise ConfigError(["API_TOKEN: must be at least 16 characters"])
    url = env.get("DATABASE_URL", "")
    if not url.strip():
        raise ConfigError(["DATABASE_URL: is required"])
    if not url.startswith("postgresql://"):
        raise ConfigError(["DATABASE_URL: must start with postgresql://"])
    return Config(app_env, int(port_text), timeout, SecretStr(token), SecretStr(url))
