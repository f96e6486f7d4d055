"""quality.pydantic_model: a pydantic v2 model that mypy understands.

The learner's model runs in the sandbox: a form comes back as a handle whose fields are
read as exact values, a ValidationError as data (the fields and rules it names). ruff and
mypy run on the trusted side over the cell's text, saved as `signup.py`; the client file
uses the model as the task describes, and must fail exactly where a mistake should.
"""

from __future__ import annotations

from quality_helpers import describe_findings, done, ruff_rule
from quality_mypy import ClientLine, MypyCheck, MypyRule, check_client_file, check_learner_file

from zendo.judge import (
    Handle,
    Learner,
    Observation,
    Submitted,
    exercise,
    expect,
    fail,
    run_ruff,
    same,
    show,
)

MODEL_FLAGS = "--strict --enable-error-code deprecated"
MODEL_RUFF_SELECT = ["F", "B", "UP", "N", "ANN"]
GOOD_FORM = {"email": "alice@example.com", "username": "alice", "age": 30}
GOOD_CALL = 'email="alice@example.com", username="alice"'

MODEL = MypyCheck(
    module="signup",
    client_header="from signup import UserInput\n\n",
    client=[
        ClientLine(f"form = UserInput({GOOD_CALL}, age=30)", hint="mypy_strict"),
        ClientLine("email: str = form.email", hint="field_types"),
        ClientLine("username: str = form.username", hint="field_types"),
        ClientLine("age: int = form.age", hint="field_types"),
        ClientLine(
            f"parsed: UserInput = UserInput.model_validate({GOOD_FORM!r})", hint="mypy_strict"
        ),
        ClientLine(
            'UserInput(email=42, username="alice", age=30)',
            ignore="arg-type",
            why="passes a number as the email, which must be a type error",
            hint="constr_annotation",
        ),
        ClientLine(
            f'UserInput({GOOD_CALL}, age="x")',
            ignore="arg-type",
            why='passes the text "x" as the age, which must be a type error',
            hint="field_types",
        ),
        ClientLine(
            f'UserInput({GOOD_CALL}, age=30, role="admin")',
            ignore="call-arg",
            why="passes a field the form does not have, which must be a type error",
            hint="forbid_extra",
        ),
        ClientLine(
            f"UserInput({GOOD_CALL})",
            ignore="call-arg",
            why="leaves out the age, which must be a type error",
            hint="required_fields",
        ),
    ],
    rules=[
        MypyRule(codes=("deprecated",), hint="v1_validator"),
        MypyRule(codes=("valid-type",), hint="constr_annotation"),
        MypyRule(codes=("no-untyped-def", "no-untyped-call"), hint="missing_annotation"),
    ],
    first_codes=("deprecated", "valid-type"),
    inline_flags='enable-error-code="deprecated"',
)


def user_input(learner: Learner, **fields: object) -> Observation:
    return done(learner.call("UserInput", **fields))


def error_fields(outcome: Observation) -> set[str]:
    """The fields a pydantic ValidationError complains about (empty for anything else)."""
    if outcome.raised is None:
        return set()
    return {str(error["loc"][0]) for error in outcome.raised.errors if error.get("loc")}


def form_call(fields: dict[str, object]) -> str:
    return "UserInput(" + ", ".join(f"{name}={value!r}" for name, value in fields.items()) + ")"


def field_value(outcome: Observation, name: str) -> object:
    """A field of the form the call returned, as exact data; None when there is none."""
    form = outcome.returned
    if not outcome.ok or not isinstance(form, Handle):
        return None
    read = form.get(name)
    return read.returned if read.ok else None


@exercise("quality.pydantic_model", title="Valid sign-ups are accepted and normalised")
def test_pydantic_model_accepts_and_normalises(learner: Learner) -> None:
    fields: dict[str, object] = {"email": "  Alice@Example.COM ", "username": "alice_1", "age": 30}
    outcome = user_input(learner, **fields)
    if "email" in error_fields(outcome):
        fail(
            f"{form_call(fields)} {outcome.describe()}; expected it to be accepted with "
            "email 'alice@example.com': strip the spaces before the pattern checks the "
            "address, and store it lower-cased.",
            hint="normalise_first",
        )
    expect(
        outcome.ok,
        f"{form_call(fields)} {outcome.describe()}; expected a valid form.",
        hint="validate_fields",
    )
    got = tuple(field_value(outcome, name) for name in ("email", "username", "age"))
    expect(
        same(got[0], "alice@example.com"),
        f"{form_call(fields)} has email {show(got[0])}; expected 'alice@example.com'.",
        hint="normalise_first",
    )
    expect(
        same(got[1:], ("alice_1", 30)),
        f"{form_call(fields)} has username {show(got[1])} and age {show(got[2])}; expected "
        "'alice_1' and 30.",
        hint="validate_fields",
    )
    for edge in [
        {"email": "bo@example.org", "username": "bob", "age": 13},
        {"email": "x@y.io", "username": "a" * 20, "age": 130},
    ]:
        outcome = user_input(learner, **edge)
        expect(
            outcome.ok,
            f"{form_call(edge)} {outcome.describe()}; expected a valid form (the limits "
            "themselves are allowed).",
            hint="validate_fields",
        )


@exercise("quality.pydantic_model", title="Invalid fields are rejected")
def test_pydantic_model_rejects_invalid_fields(learner: Learner) -> None:
    long_email = "a" * 250 + "@example.com"
    for name, value in [
        ("email", "not-an-email"),
        ("email", "alice@example"),
        ("email", "alice smith@example.com"),
        ("email", long_email),
        ("username", "al"),
        ("username", "a" * 21),
        ("username", "Alice"),
        ("username", "bob smith"),
        ("age", 12),
        ("age", 131),
    ]:
        fields = {**GOOD_FORM, name: value}
        outcome = user_input(learner, **fields)
        expect(
            name in error_fields(outcome),
            f"{form_call(fields)} {outcome.describe()}; expected a ValidationError for the "
            f"field {name!r}.",
            hint="validate_fields",
        )
    for reserved in ["admin", "root", "support"]:
        fields = {**GOOD_FORM, "username": reserved}
        outcome = user_input(learner, **fields)
        expect(
            "username" in error_fields(outcome),
            f"{form_call(fields)} {outcome.describe()}; expected a ValidationError for "
            f"'username': {reserved!r} is reserved.",
            hint="reserved_names",
        )


@exercise("quality.pydantic_model", title="Unknown fields are rejected")
def test_pydantic_model_forbids_unknown_fields(learner: Learner) -> None:
    fields = {**GOOD_FORM, "role": "admin"}
    outcome = user_input(learner, **fields)
    expect(
        "role" in error_fields(outcome),
        f"{form_call(fields)} {outcome.describe()}; expected a ValidationError for the "
        "unknown field 'role', not a form that silently drops it.",
        hint="forbid_extra",
    )


@exercise("quality.pydantic_model", title="`ruff check` finds nothing in the model")
def test_pydantic_model_passes_ruff(learner: Learner, submitted: Submitted) -> None:
    cell = submitted.cell_source()
    run = run_ruff({"signup.py": cell}, select=MODEL_RUFF_SELECT)
    findings = run.in_file("signup.py")
    expect(
        not run.crashed,
        f"ruff could not check your cell (exit code {run.exit_code}); run the cell to see "
        "that it is valid Python, then check again.",
        hint="ruff_findings",
    )
    if not findings:
        return
    # A validator without @classmethod shows up as N805: say that first.
    shown = [f for f in findings if f.code == "N805"] or findings
    fail(
        f"`ruff check --select {','.join(MODEL_RUFF_SELECT)}` finds "
        + describe_findings(cell, shown, ruff_rule)
        + ".",
        hint=ruff_rule(shown[0]).hint,
    )


@exercise("quality.pydantic_model", title="`mypy --strict` accepts your cell")
def test_pydantic_model_passes_mypy_strict(learner: Learner, submitted: Submitted) -> None:
    check_learner_file(MODEL, submitted, MODEL_FLAGS)


@exercise("quality.pydantic_model", title="Code that uses your model type-checks as it should")
def test_pydantic_model_client_type_checks(learner: Learner, submitted: Submitted) -> None:
    check_client_file(MODEL, submitted, "your UserInput")
