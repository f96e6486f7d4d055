# exercise: security.settings
# wrong: gives the API key a default value, so a missing PAY_API_KEY goes unnoticed
# caught-by: test_missing_secret_fails_fast
# hint: no_default_secret
class Settings(BaseSettings):
    """The service's settings, read from environment variables of the same names."""

    model_config = SettingsConfigDict(hide_input_in_errors=True)

    pay_api_key: SecretStr = Field(default=SecretStr("dev-key-not-for-prod"), min_length=16)
    database_url: SecretStr
    request_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    @field_validator("pay_api_key", "database_url")
    @classmethod
    def not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty or only whitespace")
        return value


def load_settings() -> Settings:
    """Read the settings from the environment now; raise if any is missing or invalid."""
    return Settings()
