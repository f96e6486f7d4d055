# exercise: security.settings
# wrong: no hide_input_in_errors, so the error for a too-short key prints the key (SecretStr
#        does not help: the input is a plain str when the length check fails)
# caught-by: test_errors_never_echo
# hint: hide_input
class Settings(BaseSettings):
    """The service's settings, read from environment variables of the same names."""


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
    return Settings()
