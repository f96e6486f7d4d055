# exercise: security.settings
# right: a plain pydantic model validated from a dict taken out of os.environ
from pydantic import AfterValidator


def _not_blank(value: SecretStr) -> SecretStr:
    if not value.get_secret_value().strip():
        raise ValueError("must not be blank")
    return value


Secret = Annotated[SecretStr, AfterValidator(_not_blank)]


class Settings(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True, frozen=True)

    pay_api_key: Annotated[Secret, Field(min_length=16)]
    database_url: Secret
    request_timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0


def load_settings() -> Settings:
    """Read the settings from the environment now; raise if any is missing or invalid."""
    names = ("PAY_API_KEY", "DATABASE_URL", "REQUEST_TIMEOUT_SECONDS")
    raw = {name.lower(): os.environ[name] for name in names if name in os.environ}
    return Settings.model_validate(raw)
