# exercise: security.settings
# wrong: prints the last characters of the key at start-up "to help debugging"
# caught-by: test_load_settings_prints_nothing
# hint: never_print
class Settings(BaseSettings):
    """The service's settings, read from environment variables of the same names."""

    model_config = SettingsConfigDict(hide_input_in_errors=True)

    pay_api_key: SecretStr = Field(min_length=16)
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
    settings = Settings()
    print(f"settings loaded, key ends in ...{settings.pay_api_key.get_secret_value()[-4:]}")
    return settings
