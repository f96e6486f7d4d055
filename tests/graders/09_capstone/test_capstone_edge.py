"""v2 graders of capstone.payment_service at its edge: validated input and money in cents.

The judge sends each body over real HTTP to the learner's service (capstone_helpers) and
then looks at what really happened: the gateway's own record of the requests it got, and
the rows in the SQLite file, read with the judge's own connection.
"""

from __future__ import annotations

from decimal import Decimal

from capstone_helpers import BODY, pay, payments_with_key, service, shown_body

from zendo.judge import Learner, exercise, expect

# Bodies the statement says to refuse, each with what is wrong with it.
BAD_BODIES = [
    ({**BODY, "amount": 19.99}, "the amount is a JSON number, not a decimal string"),
    ({**BODY, "amount": "lots"}, "the amount is not a number"),
    ({**BODY, "amount": "-5.00"}, "the amount is negative"),
    ({**BODY, "amount": "0.00"}, "the amount is zero"),
    ({**BODY, "amount": "1.005"}, "the amount has three decimal places"),
    ({**BODY, "amount": "10000.01"}, "the amount is above 10000.00"),
    ({**BODY, "currency": "XYZ"}, "the currency is not EUR, USD or GBP"),
    ({**BODY, "recipient_id": "not-a-uuid"}, "the recipient_id is not a UUID"),
    (
        {key: value for key, value in BODY.items() if key != "customer_email"},
        "customer_email is missing",
    ),
    ({**BODY, "card_number": "4242424242424242"}, "it has a field the model does not know"),
]
AMOUNTS = ["19.99", "0.29", "1234.56", "0.1", "7", "10000.00", "0.01"]


@exercise("capstone.payment_service", title="Bad requests are refused at the edge")
def test_service_validates_input(learner: Learner) -> None:
    gateway = service(learner).gateway
    gateway.play()
    for number, (body, why) in enumerate(BAD_BODIES):
        key = f"capstone-bad-{number:04d}"
        answer = pay(learner, body, key)
        expect(
            answer.is_envelope(422, "invalid_request", retryable=False),
            f"POST /payments with a body where {why} ({shown_body(body)}) answered "
            f"{answer.shown()}; expected 422 with the error type 'invalid_request', "
            "retryable false.",
            hint="validate_input",
        )
        expect(
            not gateway.requests and not payments_with_key(learner, key, before_any=True),
            f"A body where {why} reached the gateway or the database; refuse it before any work.",
            hint="validate_input",
        )
    answer = pay(learner, BODY, None)
    expect(
        answer.is_envelope(400, "missing_idempotency_key", retryable=False)
        and not gateway.requests,
        f"POST /payments without an Idempotency-Key header answered {answer.shown()} "
        f"after {len(gateway.requests)} gateway requests; expected 400 with the error "
        "type 'missing_idempotency_key' and no gateway call.",
        hint="missing_key",
    )


@exercise("capstone.payment_service", title="Amounts travel as exact integer cents")
def test_service_keeps_money_in_minor_units(learner: Learner) -> None:
    gateway = service(learner).gateway
    for number, amount in enumerate(AMOUNTS):
        cents = int(Decimal(amount) * 100)
        key = f"capstone-money-{number:04d}"
        gateway.play()
        answer = pay(learner, {**BODY, "amount": amount}, key)
        body = answer.body if type(answer.body) is dict else {}
        sent = [request.body for request in gateway.requests]
        sent_cents = [b.get("amount_cents") if type(b) is dict else None for b in sent]
        stored = [row[1] for row in payments_with_key(learner, key)]
        expect(
            answer.status == 200
            and type(body.get("amount_cents")) is int
            and body["amount_cents"] == cents,
            f"A payment of {amount!r} answered {answer.shown()}; expected 200 with "
            f'"amount_cents": {cents}.',
            hint="minor_units",
        )
        expect(
            bool(sent_cents) and all(type(c) is int and c == cents for c in sent_cents),
            f"For a payment of {amount!r} the gateway received amount_cents {sent_cents!r}; "
            f"expected the integer {cents} on every request.",
            hint="minor_units",
        )
        expect(
            len(stored) == 1 and type(stored[0]) is int and stored[0] == cents,
            f"For a payment of {amount!r} the payments table holds amount_cents "
            f"{stored!r}; expected one row with the integer {cents}.",
            hint="minor_units",
        )
