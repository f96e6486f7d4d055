# exercise: habits.config_loader
# right: a frozen pydantic model does the checking; its errors become the problems, without input values
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

NAMES = {
    "app_env": "APP_ENV",
    "port": "PORT",
    "timeout_seconds": "TIMEOUT_SECONDS",
    "api_token": "API_TOKEN",
    "database_url": "DATABASE_URL",
}


class Config(BaseModel):
    """The service's settings, checked once at start-up."""

    model_config = ConfigDict(frozen=True, hide_input_in_errors=True)

    app_env: Literal["dev", "staging", "prod"]
    port: Annotated[int, Field(ge=1, le=65535)] = 8080
    timeout_seconds: Annotated[float, Field(gt=0, le=60)] = 5.0
    api_token: SecretStr
    database_url: SecretStr

    @field_validator("port", mode="before")
    @classmethod
    def digits_only(cls, value: object) -> object:
        if isinstance(value, str) and not re.fullmatch(r"[0-9]+", value):
            raise ValueError("must be a whole number from 1 to 65535")
        return value

    @field_validator("api_token", "database_url", mode="before")
    @classmethod
    def not_blank(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is required")
        return value

    @field_validator("api_token")
    @classmethod
    def long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 16:
            raise ValueError("must be at least 16 characters")
        return value

    @field_validator("database_url")
    @classmethod
    def postgres(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("postgresql://"):
            raise ValueError("must start with postgresql://")
        return value


def load_config(env: Mapping[str, str]) -> Config:
    """Build the Config from env, or raise one ConfigError listing every bad field."""
    given = {field: env[name] for field, name in NAMES.items() if name in env}
    try:
        return Config(**given)
    except ValidationError as error:
        problems = [f"{NAMES[str(e['loc'][0])]}: {e['msg']}" for e in error.errors()]
        raise ConfigError(problems) from None
