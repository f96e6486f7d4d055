"""v2 graders of security.settings: secrets from the environment, shown nowhere.

The judge chooses the sandbox's environment for each call (the three variables are set
or removed through the sandbox's `os.environ`, reached without the learner's names), then
calls `load_settings()`. What comes back is compared here: whether each secret is a
`SecretStr`, its value, the object's `repr()`/`str()`, the exception's `str()`/`repr()`
and what the call printed. The sentinels are test strings, never real-looking keys.
"""

from __future__ import annotations

from security_helpers import error_texts

from zendo.judge import Handle, Learner, Observation, exercise, expect, fail, show

KEY = "pk_test_SENTINEL_0123456789"
OTHER_KEY = "pk_test_SENTINEL_rotated_98765"
DB_URL = "postgresql://app:db-SENTINEL-pw@db.invalid/app"
DB_SECRET = "db-SENTINEL-pw"  # noqa: S105 - a test sentinel
VARIABLES = ("PAY_API_KEY", "DATABASE_URL", "REQUEST_TIMEOUT_SECONDS")
VALID = {"PAY_API_KEY": KEY, "DATABASE_URL": DB_URL}


def environment(learner: Learner, values: dict[str, str]) -> None:
    """Exactly these of the three variables in the sandbox's environment, the rest removed."""
    environ = learner.stdlib("os").get("environ").handle
    for name in VARIABLES:
        if name in values:
            environ.call("__setitem__", name, values[name]).value  # noqa: B018
        else:
            environ.call("pop", name, None).value  # noqa: B018


def load(learner: Learner, values: dict[str, str]) -> Observation:
    environment(learner, values)
    return learner.call("load_settings")


def loaded(learner: Learner, values: dict[str, str], *, hint: str) -> Handle:
    observed = load(learner, values)
    if observed.raised is not None and not observed.raised.is_a(NotImplementedError):
        fail(
            f"load_settings() with {described(values)} raised {observed.raised.name}; these "
            "settings are valid.",
            hint=hint,
        )
    return observed.handle


def described(values: dict[str, str]) -> str:
    shown = ", ".join(f"{name}={value!r}" for name, value in values.items())
    return shown or "no variables set"


def secret(learner: Learner, settings: Handle, name: str, *, hint: str) -> str:
    """The secret attribute's value, which must be held in a SecretStr."""
    held = settings.get(name).value
    expect(
        isinstance(held, Handle) and held.is_a("SecretStr"),
        f"settings.{name} is {'a ' + held.class_name if isinstance(held, Handle) else 'a ' + type(held).__name__}; "
        "expected a SecretStr, which never shows its value.",
        hint=hint,
    )
    assert isinstance(held, Handle)
    value = held.call("get_secret_value").value
    return value if type(value) is str else ""


def raises_naming(learner: Learner, values: dict[str, str], variable: str, *, hint: str) -> None:
    environment(learner, values)
    texts = error_texts(learner, learner.get("load_settings").handle)
    if texts is None:
        fail(
            f"load_settings() with {described(values)} returned settings; it must raise.", hint=hint
        )
    expect(
        variable.lower() in texts[0].lower(),
        f"load_settings() with {described(values)} raised, but its message does not name "
        f"{variable}.",
        hint="name_the_variable",
    )


@exercise("security.settings", title="Settings come from the environment")
def test_settings_read_from_environment(learner: Learner) -> None:
    settings = loaded(learner, VALID, hint="secret_str")
    expect(
        secret(learner, settings, "pay_api_key", hint="secret_str") == KEY
        and secret(learner, settings, "database_url", hint="secret_str") == DB_URL,
        "get_secret_value() does not return the secrets exactly as they are in the environment.",
        hint="secret_str",
    )
    timeout = settings.get("request_timeout_seconds").value
    expect(
        type(timeout) is float and timeout == 5.0,
        f"without REQUEST_TIMEOUT_SECONDS, request_timeout_seconds is {show(timeout)}; "
        "expected 5.0.",
        hint="timeout_rules",
    )
    timeout = (
        loaded(learner, {**VALID, "REQUEST_TIMEOUT_SECONDS": "2.5"}, hint="timeout_rules")
        .get("request_timeout_seconds")
        .value
    )
    expect(
        type(timeout) is float and timeout == 2.5,
        f"REQUEST_TIMEOUT_SECONDS='2.5' gave {show(timeout)}; expected the float 2.5.",
        hint="timeout_rules",
    )


@exercise("security.settings", title="A missing secret stops start-up")
def test_missing_secret_fails_fast(learner: Learner) -> None:
    loaded(learner, VALID, hint="no_default_secret")
    raises_naming(learner, {"DATABASE_URL": DB_URL}, "PAY_API_KEY", hint="no_default_secret")
    raises_naming(learner, {"PAY_API_KEY": KEY}, "DATABASE_URL", hint="no_default_secret")


@exercise("security.settings", title="An empty secret counts as missing")
def test_blank_secret_is_missing(learner: Learner) -> None:
    loaded(learner, VALID, hint="blank_secret")
    for blank in ["", "   "]:
        raises_naming(learner, {**VALID, "PAY_API_KEY": blank}, "PAY_API_KEY", hint="blank_secret")
        raises_naming(
            learner, {**VALID, "DATABASE_URL": blank}, "DATABASE_URL", hint="blank_secret"
        )


@exercise("security.settings", title="Errors never show a secret")
def test_errors_never_echo(learner: Learner) -> None:
    loaded(learner, VALID, hint="key_length")
    short = "pk_SENTINEL_13"
    environment(learner, {**VALID, "PAY_API_KEY": short})
    texts = error_texts(learner, learner.get("load_settings").handle)
    if texts is None:
        fail(f"PAY_API_KEY={short!r} ({len(short)} characters) was accepted.", hint="key_length")
    for kind, text in zip(("str", "repr"), texts, strict=True):
        expect(
            short not in text,
            f"{kind}() of the exception for a too-short PAY_API_KEY contains the key itself.",
            hint="hide_input",
        )
    environment(learner, {**VALID, "REQUEST_TIMEOUT_SECONDS": "abc"})
    texts = error_texts(learner, learner.get("load_settings").handle)
    if texts is None:
        fail("REQUEST_TIMEOUT_SECONDS='abc' was accepted.", hint="timeout_rules")
    for kind, text in zip(("str", "repr"), texts, strict=True):
        expect(
            KEY not in text and DB_SECRET not in text,
            f"{kind}() of the exception for REQUEST_TIMEOUT_SECONDS='abc' contains a secret.",
            hint="hide_input",
        )


@exercise("security.settings", title="The settings object never shows a secret")
def test_secrets_never_shown(learner: Learner) -> None:
    settings = loaded(learner, VALID, hint="secret_str")
    for kind in ("repr", "str"):
        text = learner.op(kind, settings).value
        expect(
            type(text) is str and KEY not in text and DB_SECRET not in text,
            f"{kind}() of the settings object shows a secret.",
            hint="secret_str",
        )


@exercise("security.settings", title="Loading settings prints nothing")
def test_load_settings_prints_nothing(learner: Learner) -> None:
    environment(learner, VALID)
    observed = learner.call("load_settings")
    observed.value  # noqa: B018 - a failure naming the exception, if any
    expect(
        observed.printed == "",
        f"load_settings() wrote {len(observed.printed)} characters to stdout or stderr; it "
        "must write nothing.",
        hint="never_print",
    )


@exercise("security.settings", title="A rotated key is picked up")
def test_rotation(learner: Learner) -> None:
    first = secret(
        learner, loaded(learner, VALID, hint="rotation"), "pay_api_key", hint="secret_str"
    )
    rotated = {**VALID, "PAY_API_KEY": OTHER_KEY}
    second = secret(
        learner, loaded(learner, rotated, hint="rotation"), "pay_api_key", hint="secret_str"
    )
    expect(
        first == KEY and second == OTHER_KEY,
        "after PAY_API_KEY changed, load_settings() still returned the old key: settings "
        "must be read again on each call.",
        hint="rotation",
    )


@exercise("security.settings", title="A bad timeout is refused")
def test_invalid_timeout_rejected(learner: Learner) -> None:
    loaded(learner, {**VALID, "REQUEST_TIMEOUT_SECONDS": "60"}, hint="timeout_rules")
    for bad in ["abc", "0", "-1", "61"]:
        observed = load(learner, {**VALID, "REQUEST_TIMEOUT_SECONDS": bad})
        expect(
            observed.raised is not None,
            f"REQUEST_TIMEOUT_SECONDS={bad!r} was accepted; it must be a number greater "
            "than 0 and at most 60.",
            hint="timeout_rules",
        )
