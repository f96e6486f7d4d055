"""v2 graders of security.transfer_request: a pydantic v2 model at the boundary.

`TransferRequest.model_validate` / `model_validate_json` run in the sandbox; the fields
of a valid request come back as exact values (the amount's type checked here), a refused
one as pydantic's error entries (loc, type, msg: never the input) and the error's own
`str()` and `repr()`, in which the graders look for what was sent. The v1-API check
reads the cell's source here, on the trusted side.
"""

from __future__ import annotations

import ast
import json
from decimal import Decimal

from security_helpers import error_locs, error_texts, error_types

from zendo.judge import Handle, Learner, Observation, Submitted, exercise, expect, fail, show

VALID: dict[str, object] = {
    "amount": "19.99",
    "currency": "EUR",
    "beneficiary_email": "alice@example.com",
}


def model(learner: Learner) -> Handle:
    return learner.get("TransferRequest").handle


def validate(learner: Learner, data: dict[str, object]) -> Observation:
    return model(learner).call("model_validate", data)


def accepted(learner: Learner, data: dict[str, object], *, hint: str) -> Handle:
    """The model made from data, which must be valid; a failure naming the data if not."""
    observed = validate(learner, data)
    if observed.raised is not None and observed.raised.is_a("ValidationError"):
        fail(
            f"TransferRequest.model_validate({data!r}) was refused "
            f"({observed.raised.describe()}); this request is valid.",
            hint=hint,
        )
    made = observed.value
    expect(
        isinstance(made, Handle) and made.is_a("TransferRequest"),
        f"TransferRequest.model_validate({data!r}) returned {show(made)}; expected a "
        "TransferRequest.",
        hint=hint,
    )
    assert isinstance(made, Handle)
    return made


def field(made: Handle, name: str) -> object:
    return made.get(name).value


def refused(learner: Learner, data: dict[str, object], loc: str, *, hint: str, why: str) -> None:
    observed = validate(learner, data)
    if observed.raised is None:
        fail(f"TransferRequest.model_validate({data!r}) was accepted; {why}", hint=hint)
    if not observed.raised.is_a("ValidationError"):
        observed.value  # noqa: B018 - a failure naming the unexpected exception
    expect(
        (loc,) in error_locs(observed),
        f"TransferRequest.model_validate({data!r}) was refused with errors at "
        f"{error_locs(observed)}; expected one at ({loc!r},).",
        hint=hint,
    )


@exercise("security.transfer_request", title="A valid request comes back typed and tidy")
def test_valid_request_is_normalised(learner: Learner) -> None:
    made = accepted(learner, {**VALID, "reference": "  rent for March  "}, hint="decimal_amount")
    amount = field(made, "amount")
    expect(
        type(amount) is Decimal and str(amount) == "19.99",
        f"amount '19.99' came back as {show(amount)}; expected Decimal('19.99').",
        hint="decimal_amount",
    )
    reference = field(made, "reference")
    expect(
        reference == "rent for March",
        f"reference '  rent for March  ' came back as {show(reference)}; surrounding spaces "
        "are removed.",
        hint="reference_rules",
    )
    default = field(accepted(learner, VALID, hint="reference_rules"), "reference")
    expect(
        type(default) is str and default == "",
        f"without a reference, reference is {show(default)}; expected ''.",
        hint="reference_rules",
    )


@exercise("security.transfer_request", title="The currency is normalised, then checked")
def test_currency_is_normalised_then_checked(learner: Learner) -> None:
    for sent, wanted in [(" eur ", "EUR"), ("usd", "USD"), ("GBP", "GBP")]:
        got = field(
            accepted(learner, {**VALID, "currency": sent}, hint="pattern_runs_first"), "currency"
        )
        expect(
            type(got) is str and got == wanted,
            f"currency {sent!r} came back as {show(got)}; expected {wanted!r}.",
            hint="pattern_runs_first",
        )
    for sent in ["EURO", "E1R", "EU", "", "€UR"]:
        refused(
            learner,
            {**VALID, "currency": sent},
            "currency",
            hint="currency_rules",
            why="a currency is exactly three letters A-Z.",
        )


@exercise("security.transfer_request", title="Only real addresses, all in lower case")
def test_email_rules(learner: Learner) -> None:
    for sent in ["a@b", "not-an-email", ".@-.x", "alice\n@example.com"]:
        refused(
            learner,
            {**VALID, "beneficiary_email": sent},
            "beneficiary_email",
            hint="use_emailstr",
            why="it is not a valid e-mail address by the rules of EmailStr.",
        )
    sent = " Alice@Example.COM "
    got = field(
        accepted(learner, {**VALID, "beneficiary_email": sent}, hint="use_emailstr"),
        "beneficiary_email",
    )
    expect(
        type(got) is str and got == "alice@example.com",
        f"beneficiary_email {sent!r} came back as {show(got)}; expected 'alice@example.com' "
        "(the whole address in lower case).",
        hint="lower_whole_email",
    )


@exercise("security.transfer_request", title="Amounts are exact, positive and limited")
def test_amount_rules(learner: Learner) -> None:
    for sent, wanted in [
        ("19.999", "decimal_max_places"),
        ("0", "greater_than"),
        ("-5", "greater_than"),
        ("12345678901.23", "decimal_max_digits"),
    ]:
        observed = validate(learner, {**VALID, "amount": sent})
        types = error_types(observed)
        expect(
            wanted in types,
            f"amount {sent!r} gave the errors {types or 'none at all'}; expected {wanted!r}.",
            hint="decimal_amount",
        )
    amount = field(
        accepted(learner, {**VALID, "amount": "1234567890.12"}, hint="decimal_amount"), "amount"
    )
    expect(
        type(amount) is Decimal and str(amount) == "1234567890.12",
        f"amount '1234567890.12' came back as {show(amount)}; expected that Decimal.",
        hint="decimal_amount",
    )


@exercise("security.transfer_request", title="The reference is short and printable")
def test_reference_rules(learner: Learner) -> None:
    for sent in ["rent\nDROP", "null\x00byte", "bell\x07", "x" * 141]:
        refused(
            learner,
            {**VALID, "reference": sent},
            "reference",
            hint="reference_rules",
            why="a reference has at most 140 characters and no control characters.",
        )
    got = field(
        accepted(learner, {**VALID, "reference": "  " + "x" * 140 + " "}, hint="reference_rules"),
        "reference",
    )
    expect(
        got == "x" * 140,
        f"a reference of 140 characters with spaces around came back as {show(got)}.",
        hint="reference_rules",
    )


@exercise("security.transfer_request", title="Unknown fields are refused")
def test_unknown_fields_rejected(learner: Learner) -> None:
    observed = validate(learner, {**VALID, "role": "admin"})
    types = error_types(observed)
    expect(
        types == ["extra_forbidden"],
        f'a request with "role": "admin" gave the errors {types or "none at all"}; '
        "expected exactly ['extra_forbidden'].",
        hint="extra_forbid",
    )


@exercise("security.transfer_request", title="Errors never repeat what was sent")
def test_errors_hide_input(learner: Learner) -> None:
    validate_method = model(learner).get("model_validate").handle
    for name, sent in [
        ("amount", "SENTINEL-1"),
        ("currency", "SENTINEL-2"),
        ("beneficiary_email", "sentinel-3-at-example"),
        ("reference", "SENTINEL-4\x00"),
    ]:
        data = {**VALID, name: sent}
        texts = error_texts(learner, validate_method, data)
        if texts is None:
            fail(f"{name}={sent!r} was accepted; it is invalid.", hint="hide_input")
        marker = sent.rstrip("\x00").lower()
        for kind, text in zip(("str", "repr"), texts, strict=True):
            expect(
                marker not in text.lower(),
                f"{kind}() of the ValidationError for {name}={sent!r} contains the value "
                "that was sent.",
                hint="hide_input",
            )


@exercise("security.transfer_request", title="A JSON body follows the same rules")
def test_json_body_follows_the_rules(learner: Learner) -> None:
    body = json.dumps(
        {
            "amount": "5.10",
            "currency": " usd ",
            "beneficiary_email": "Bob@Example.org",
            "reference": "x",
        }
    )
    observed = model(learner).call("model_validate_json", body)
    if observed.raised is not None and observed.raised.is_a("ValidationError"):
        fail(
            f"TransferRequest.model_validate_json({body!r}) was refused "
            f"({observed.raised.describe()}); it is valid.",
            hint="pattern_runs_first",
        )
    made = observed.value
    expect(
        isinstance(made, Handle),
        f"model_validate_json returned {show(made)}.",
        hint="pattern_runs_first",
    )
    assert isinstance(made, Handle)
    got = (field(made, "amount"), field(made, "currency"), field(made, "beneficiary_email"))
    expect(
        type(got[0]) is Decimal and str(got[0]) == "5.10" and got[1:] == ("USD", "bob@example.org"),
        f"the JSON body {body} gave amount, currency, e-mail {show(got)}; expected "
        "(Decimal('5.10'), 'USD', 'bob@example.org').",
        hint="pattern_runs_first",
    )
    extra = json.dumps({**VALID, "role": "admin"})
    observed = model(learner).call("model_validate_json", extra)
    expect(
        "extra_forbidden" in error_types(observed),
        f"the JSON body {extra} was {'accepted' if observed.ok else 'refused without extra_forbidden'}; "
        "an unknown field is refused.",
        hint="extra_forbid",
    )


V1_NAMES = {"validator", "root_validator", "constr"}


@exercise("security.transfer_request", title="Written with pydantic v2's API")
def test_no_pydantic_v1_api(learner: Learner, submitted: Submitted) -> None:
    # Only a model that does its job earns this check: the untouched starter must fail.
    expect(
        not validate(learner, {**VALID, "amount": "0"}).ok,
        "Write the model first: it accepts an amount of 0.",
        hint="decimal_amount",
    )
    tree = ast.parse(submitted.cell_source())
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        for name in (alias.name, alias.asname)
        if name
    }
    used = sorted(names & V1_NAMES)
    configs = [
        "class Config"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name == "Config"
    ]
    expect(
        not used and not configs,
        f"your cell uses pydantic v1 API: {', '.join(used + configs)}. Use field_validator, "
        "Annotated constraints and model_config.",
        hint="pydantic_v2_api",
    )
