# exercise: security.settings
# wrong: no check for empty values, so DATABASE_URL="" is accepted (pydantic-settings allows it)
# caught-by: test_blank_secret_is_missing
# hint: blank_secret
class Settings(BaseSettings):
    """The service's settings, read from environment variables of the same names."""

    model_config = SettingsConfigDict(hide_input_in_errors=True)

    pay_api_key: SecretStr = Field(min_length=16)
    database_url: SecretStr
    request_timeout_seconds: float = Field(default=5.0, gt=0, le=60)


def load_settings() -> Settings:
    """Read the settings from the environment now; raise if any is missing or invalid."""
    return Settings()
