# exercise: habits.config_loader
# right: an examiner's answer, written from the statement alone
# field-by-field checks with math.nan as the missing-value sentinel
@dataclass(frozen=True)
class Config:
    """The service's settings, checked once at start-up."""

    app_env: str
    port: int
    timeout_seconds: float
    api_token: SecretStr
    database_url: SecretStr


APP_ENVS = ("dev", "staging", "prod")


def load_config(env: Mapping[str, str]) -> Config:
    """Build the Config from env, or raise one ConfigError listing every bad field."""
    problems: list[str] = []

    app_env = env.get("APP_ENV")
    if app_env is None:
        problems.append("APP_ENV: is required (one of dev, staging, prod)")
    elif app_env not in APP_ENVS:
        problems.append(f"APP_ENV: must be one of dev, staging, prod, got {app_env!r}")

    port = 8080
    raw_port = env.get("PORT")
    if raw_port is not None:
        if raw_port.isascii() and raw_port.isdigit() and 1 <= int(raw_port) <= 65535:
            port = int(raw_port)
        else:
            problems.append(f"PORT: must be a whole number from 1 to 65535, got {raw_port!r}")

    timeout_seconds = 5.0
    raw_timeout = env.get("TIMEOUT_SECONDS")
    if raw_timeout is not None:
        try:
            value = float(raw_timeout)
        except ValueError:
            value = math.nan
        if 0 < value <= 60:  # False for nan
            timeout_seconds = value
        else:
            problems.append(
                f"TIMEOUT_SECONDS: must be a number above 0 and at most 60, got {raw_timeout!r}"
            )

    token = env.get("API_TOKEN", "")
    if not token.strip():
        problems.append("API_TOKEN: is required and has no default")
    elif len(token) < 16:
        problems.append("API_TOKEN: needs 16 characters or more")

    database_url = env.get("DATABASE_URL", "")
    if not database_url.strip():
        problems.append("DATABASE_URL: is required and has no default")
    elif not database_url.startswith("postgresql://"):
        problems.append("DATABASE_URL: must start with postgresql://")

    if problems:
        raise ConfigError(problems)
    return Config(
        app_env=app_env,
        port=port,
        timeout_seconds=timeout_seconds,
        api_token=SecretStr(token),
        database_url=SecretStr(database_url),
    )
