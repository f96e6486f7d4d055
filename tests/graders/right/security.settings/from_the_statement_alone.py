# exercise: security.settings
# right: an examiner's answer, written from the statement alone
# BaseSettings with env_ignore_empty, validators for blank and short secrets
class Settings(BaseSettings):
    """The service's settings, read from environment variables of the same names."""

    # Never echo a rejected value in an error; an empty variable counts as a missing one.
    model_config = SettingsConfigDict(hide_input_in_errors=True, env_ignore_empty=True)

    pay_api_key: SecretStr
    database_url: SecretStr
    request_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    @field_validator("pay_api_key", "database_url")
    @classmethod
    def _not_blank(cls, secret: SecretStr) -> SecretStr:
        if not secret.get_secret_value().strip():
            raise ValueError("must not be empty or blank")
        return secret

    @field_validator("pay_api_key")
    @classmethod
    def _long_enough(cls, secret: SecretStr) -> SecretStr:
        if len(secret.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters long")
        return secret


def load_settings() -> Settings:
    """Read the settings from the environment now; raise if any is missing or invalid."""
    return Settings()
