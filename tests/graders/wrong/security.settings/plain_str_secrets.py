# exercise: security.settings
# wrong: keeps the secrets as plain str, so repr(settings) shows them
# caught-by: test_secrets_never_shown
# hint: secret_str
class Settings(BaseSettings):
    """The service's settings, read from environment variables of the same names."""

    model_config = SettingsConfigDict(hide_input_in_errors=True)

    pay_api_key: str = Field(min_length=16)
    database_url: str
    request_timeout_seconds: float = Field(default=5.0, gt=0, le=60)

    @field_validator("pay_api_key", "database_url")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty or only whitespace")
        return value


def load_settings() -> Settings:
    """Read the settings from the environment now; raise if any is missing or invalid."""
    return Settings()
