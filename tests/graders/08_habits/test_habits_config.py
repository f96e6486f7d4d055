"""v2 graders of habits.config_loader: fail fast, report every problem, show no secret.

`load_config(env)` is called with plain dicts. What it raised comes back through `caught`
as a handle to the exception, whose `problems` list, `str()` and `repr()` are read back
as data and judged here. The secrets are sentinels (test strings, not real-looking keys)
searched for in everything the learner's code shows: messages, reprs, logs, output.
"""

from __future__ import annotations

from zendo.judge import Handle, Learner, capture_logs, caught, exercise, expect, fail, show

TOKEN = "tok-SENTINEL-0123456789"  # noqa: S105 - a test sentinel
URL = "postgresql://app:pw-SENTINEL-db@db.invalid/app"
VALID = {
    "APP_ENV": "prod",
    "PORT": "8443",
    "TIMEOUT_SECONDS": "2.5",
    "API_TOKEN": TOKEN,
    "DATABASE_URL": URL,
}
SHORT_TOKEN = "SENTINEL-short1"  # noqa: S105 - 15 characters, a test sentinel
BAD_URL = "mysql://app:pw-SENTINEL-my@db.invalid/app"

FIELD_CASES: list[tuple[str, str | None]] = [
    ("APP_ENV", None),
    ("APP_ENV", "test"),
    ("APP_ENV", "PROD"),
    ("PORT", "abc"),
    ("PORT", "0"),
    ("PORT", "65536"),
    ("PORT", "80.5"),
    ("PORT", "-1"),
    ("TIMEOUT_SECONDS", "abc"),
    ("TIMEOUT_SECONDS", "0"),
    ("TIMEOUT_SECONDS", "-1"),
    ("TIMEOUT_SECONDS", "61"),
    ("TIMEOUT_SECONDS", "nan"),
]
SECRET_CASES: list[tuple[str, str | None]] = [
    ("API_TOKEN", None),
    ("API_TOKEN", ""),
    ("API_TOKEN", "   "),
    ("API_TOKEN", SHORT_TOKEN),
    ("DATABASE_URL", None),
    ("DATABASE_URL", ""),
    ("DATABASE_URL", "  "),
    ("DATABASE_URL", BAD_URL),
]


def with_field(name: str, value: str | None) -> dict[str, str]:
    env = {key: text for key, text in VALID.items() if key != name}
    if value is not None:
        env[name] = value
    return env


def said(name: str, value: str | None) -> str:
    return f"{name} missing" if value is None else f"{name}={value!r}"


def problems_of(learner: Learner, env: dict[str, str], what: str) -> list[str] | None:
    """The `problems` of the ConfigError load_config(env) raised; None if it returned."""
    target = learner.get("load_config").handle
    observed = caught(learner, target, env)
    error = observed.value
    if error is None:
        return None
    assert isinstance(error, Handle)
    if error.is_a("NotImplementedError"):
        fail(f"load_config() with {what} raised NotImplementedError: not done yet.")
    if not error.is_a("ConfigError"):
        fail(
            f"load_config() with {what} raised {error.class_name}; the only exception that "
            "may escape is ConfigError.",
            hint="one_exception_type",
        )
    problems = error.get("problems").value
    if type(problems) is not list or not all(type(item) is str for item in problems):
        fail(
            f"The ConfigError for {what} has problems = {show(problems)}; expected a list "
            "of strings (pass one to ConfigError).",
            hint="field_rules",
        )
    return problems


def expect_named(learner: Learner, env: dict[str, str], names: list[str], what: str, *,
                 hint: str) -> None:  # fmt: skip
    problems = problems_of(learner, env, what)
    if problems is None:
        fail(f"load_config() with {what} returned a Config; it must raise ConfigError.", hint=hint)
    named = sorted(problem.split(":", 1)[0].strip() for problem in problems)
    expect(
        named == sorted(names),
        f"load_config() with {what} raised ConfigError with problems {problems!r}; expected "
        f"one entry for each of {', '.join(sorted(names))}, each starting with the name and "
        "a colon, and nothing else.",
        hint=hint,
    )


def loaded(learner: Learner, env: dict[str, str], *, hint: str) -> Handle:
    observed = learner.call("load_config", env)
    if observed.raised is not None and not observed.raised.is_a(NotImplementedError):
        fail(f"load_config() raised {observed.raised.describe()} for a valid configuration.",
             hint=hint)  # fmt: skip
    return observed.handle


@exercise("habits.config_loader", title="A valid configuration loads with its types")
def test_config_valid(learner: Learner) -> None:
    config = loaded(learner, VALID, hint="valid_config")
    got = {name: config.get(name).value for name in ("app_env", "port", "timeout_seconds")}
    expect(
        type(got["app_env"]) is str and got["app_env"] == "prod"
        and type(got["port"]) is int and got["port"] == 8443
        and type(got["timeout_seconds"]) is float and got["timeout_seconds"] == 2.5,
        f"For a valid configuration, (app_env, port, timeout_seconds) are {show(got)}; "
        "expected 'prod', the int 8443 and the float 2.5.",
        hint="valid_config",
    )  # fmt: skip
    for name, value in (("api_token", TOKEN), ("database_url", URL)):
        held = config.get(name).value
        expect(
            isinstance(held, Handle) and held.is_a("SecretStr")
            and held.call("get_secret_value").value == value,
            f"config.{name} is {show(held)}; expected a SecretStr holding the value given.",
            hint="valid_config",
        )  # fmt: skip
    bare = {key: VALID[key] for key in ("APP_ENV", "API_TOKEN", "DATABASE_URL")}
    config = loaded(learner, bare, hint="valid_config")
    defaults = (config.get("port").value, config.get("timeout_seconds").value)
    expect(
        type(defaults[0]) is int and defaults == (8080, 5.0) and type(defaults[1]) is float,
        f"Without PORT and TIMEOUT_SECONDS, (port, timeout_seconds) are {show(defaults)}; "
        "expected the defaults (8080, 5.0).",
        hint="valid_config",
    )


@exercise("habits.config_loader", title="Each bad field is reported by name")
def test_config_field_rules(learner: Learner) -> None:
    for name, value in FIELD_CASES:
        expect_named(learner, with_field(name, value), [name], said(name, value),
                     hint="field_rules")  # fmt: skip


@exercise("habits.config_loader", title="A missing, blank or bad secret is reported")
def test_config_secret_rules(learner: Learner) -> None:
    for name, value in SECRET_CASES:
        what = "a blank " + name if value is not None and not value.strip() else said(name, value)
        if value in (SHORT_TOKEN, BAD_URL):
            what = f"an invalid {name}"
        expect_named(learner, with_field(name, value), [name], what, hint="secret_required")


@exercise("habits.config_loader", title="Every problem is reported at once")
def test_config_reports_everything(learner: Learner) -> None:
    env = {"APP_ENV": "test", "PORT": "http", "TIMEOUT_SECONDS": "0", "API_TOKEN": " "}
    names = ["APP_ENV", "PORT", "TIMEOUT_SECONDS", "API_TOKEN", "DATABASE_URL"]
    expect_named(learner, env, names, "five bad fields", hint="report_everything")


@exercise("habits.config_loader", title="No secret is ever shown")
def test_config_never_shows_a_secret(learner: Learner) -> None:
    logs = capture_logs(learner)
    config = loaded(learner, VALID, hint="secret_shown")
    for kind in ("repr", "str"):
        text = learner.op(kind, config).value
        expect(
            type(text) is str and TOKEN not in text and "pw-SENTINEL-db" not in text,
            f"{kind}() of the Config shows a secret's value.",
            hint="secret_shown",
        )
    env = {**VALID, "API_TOKEN": SHORT_TOKEN, "DATABASE_URL": BAD_URL, "PORT": "x"}
    target = learner.get("load_config").handle
    observed = caught(learner, target, env)
    error = observed.value
    if not isinstance(error, Handle):
        fail("load_config() accepted a short API_TOKEN and a mysql:// DATABASE_URL.",
             hint="secret_required")  # fmt: skip
    if not error.is_a("ConfigError"):
        fail(f"load_config() with an invalid API_TOKEN and DATABASE_URL raised "
             f"{error.class_name}; the only exception that may escape is ConfigError.",
             hint="one_exception_type")  # fmt: skip
    shown = {
        "str() of the exception": learner.op("str", error).value,
        "repr() of the exception": learner.op("repr", error).value,
        "its problems": show(error.get("problems").value),
        "what load_config logged": "\n".join(entry.message for entry in logs.entries()),
        "what load_config printed": observed.printed + learner.output(),
    }
    for where, text in shown.items():
        expect(
            type(text) is str and not any(s in text for s in (SHORT_TOKEN, "pw-SENTINEL")),
            f"For an invalid API_TOKEN and DATABASE_URL, {where} contains a secret's value; "
            "name the field, never its value.",
            hint="secret_shown",
        )


@exercise("habits.config_loader", title="It reads only the mapping it is given")
def test_config_reads_only_the_mapping(learner: Learner) -> None:
    environ = learner.stdlib("os").get("environ").handle
    for name, value in VALID.items():
        environ.call("__setitem__", name, value).value  # noqa: B018
    try:
        expect_named(
            learner, {}, ["APP_ENV", "API_TOKEN", "DATABASE_URL"],
            "an empty mapping (while os.environ held valid settings)", hint="only_the_mapping",
        )  # fmt: skip
    finally:
        for name in VALID:
            environ.call("pop", name, None).value  # noqa: B018
