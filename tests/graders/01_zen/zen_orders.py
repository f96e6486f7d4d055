"""The order rules of zen.parse_order, stated on the trusted side, and how answers are read.

The expected `Order` of a valid input is the grader's own dataclass, with the fields and
repr of the classes the exercise cell gives; the learner's `Order` stays in the sandbox
and is read back field by field (`as_order`), so equality is decided here. An `OrderError`
is observed as data (its class and message); its `field` is read from the exception
object kept in the sandbox (`zendo.judge.caught`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from zendo.judge import Handle, Learner, Observation, caught, expect, fail, show

Raw = dict[str, Any]


@dataclass(frozen=True)
class Item:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Order:
    order_id: str
    email: str
    items: tuple[Item, ...]


def order(order_id: str, email: str, *items: tuple[str, int]) -> Order:
    """The Order the learner's parse_order should build."""
    return Order(order_id, email, tuple(Item(sku, quantity) for sku, quantity in items))


def pen_order(**changes: object) -> Raw:
    """A valid two-item order, with top-level keys replaced (a value of ... removes one)."""
    raw: Raw = {
        "id": "A-1001",
        "customer": {"email": "ada@example.com"},
        "items": [{"sku": "PEN", "quantity": 2}, {"sku": "INK", "quantity": 1}],
    }
    for key, value in changes.items():
        if value is ...:
            del raw[key]
        else:
            raw[key] = value
    return raw


# (raw order, the field its OrderError must name, why it is wrong) - one problem each.
MISSING_FIELDS: list[tuple[Raw, str, str]] = [
    (pen_order(id=...), "id", "the order has no id"),
    (pen_order(customer=...), "customer", "the order has no customer"),
    (pen_order(customer={"name": "Ada"}), "customer.email", "the customer has no email"),
    (pen_order(items=...), "items", "the order has no items"),
    (
        pen_order(items=[{"sku": "PEN", "quantity": 2}, {"quantity": 1}]),
        "items[1].sku",
        "the second item has no sku",
    ),
    (pen_order(items=[{"sku": "PEN"}]), "items[0].quantity", "the item has no quantity"),
]

BAD_VALUES: list[tuple[Raw, str, str]] = [
    (pen_order(id=""), "id", "an empty id identifies nothing"),
    (pen_order(id=1001), "id", "the id must be a string"),
    (pen_order(customer="ada@example.com"), "customer", "customer must be an object"),
    (pen_order(customer={"email": "ada.example.com"}), "customer.email", "an email has an @"),
    (pen_order(items=[]), "items", "an order needs at least one item"),
    (pen_order(items="PEN"), "items", "items must be a list"),
    (pen_order(items=["PEN"]), "items[0]", "each item must be an object"),
    (pen_order(items=[{"sku": "", "quantity": 1}]), "items[0].sku", "an empty sku"),
    (
        pen_order(items=[{"sku": "PEN", "quantity": 1}, {"sku": "INK", "quantity": 0}]),
        "items[1].quantity",
        "a quantity must be at least 1",
    ),
    (
        pen_order(items=[{"sku": "PEN", "quantity": "2"}]),
        "items[0].quantity",
        'the text "2" is not a number: do not guess',
    ),
    (
        pen_order(items=[{"sku": "PEN", "quantity": 2.5}]),
        "items[0].quantity",
        "half a pen cannot be ordered",
    ),
    (
        pen_order(items=[{"sku": "PEN", "quantity": True}]),
        "items[0].quantity",
        "True is a bool, not a count: do not guess",
    ),
]


def parse_call(raw: object) -> str:
    return f"parse_order({show(raw)})"


def as_order(value: object) -> Order | None:
    """The learner's Order read back as the grader's own, or None if it is not one.

    Each field is read from the object in the sandbox; what comes back is exact data, so
    only exact types count: a learner's str subclass stays a handle, and `2.0` is not a
    quantity; either way the result is not the Order expected.
    """
    if not isinstance(value, Handle) or not value.is_a("Order"):
        return None
    fields = [value.get(name) for name in ("order_id", "email", "items")]
    if not all(field.ok for field in fields):
        return None
    order_id, email, items = (field.returned for field in fields)
    if type(order_id) is not str or type(email) is not str or type(items) is not tuple:
        return None
    read: list[Item] = []
    for item in items:
        if not isinstance(item, Handle) or not item.is_a("Item"):
            return None
        sku, quantity = item.get("sku").returned, item.get("quantity").returned
        if type(sku) is not str or type(quantity) is not int:
            return None
        read.append(Item(sku, quantity))
    return Order(order_id, email, tuple(read))


def expect_order(learner: Learner, raw: Raw, expected: Order) -> None:
    """parse_order(raw) must return an Order equal to `expected`."""
    observed = learner.call("parse_order", raw)
    if observed.raised is not None and observed.raised.is_a(NotImplementedError):
        observed.value  # noqa: B018 - fails with "this part is not done yet"
    got = as_order(observed.returned) if observed.ok else None
    expect(
        got is not None and got == expected,
        f"{parse_call(raw)} {observed.describe()}; expected {show(expected)}.",
        hint="valid_order",
    )


def rejection(learner: Learner, raw: Raw, field: str, why: str) -> Observation:
    """parse_order(raw) must raise OrderError; return what it did, or fail with the hint."""
    observed = learner.call("parse_order", raw)
    raised = observed.raised
    if raised is not None and raised.is_a(NotImplementedError):
        observed.value  # noqa: B018 - fails with "this part is not done yet"
    shown = f"{parse_call(raw)} {observed.describe()}; expected OrderError for {field!r} ({why})"
    if raised is None and observed.returned is None:
        fail(shown + ".", hint="refuse_to_guess")
    if raised is None:
        fail(shown + ".", hint="validate_every_field")
    expect(
        raised.is_a("OrderError"),
        shown + ". Callers catch one documented exception, not whatever broke inside.",
        hint="order_error",
    )
    return observed


def field_of(learner: Learner, raw: Raw) -> object:
    """The `field` of the OrderError parse_order(raw) raises, read from the kept exception.

    Called only after `rejection` saw that call raise an OrderError.
    """
    target = learner.get("parse_order").handle
    error = caught(learner, target, raw).value
    if not isinstance(error, Handle):
        return None
    field = error.get("field")
    return field.returned if field.ok else None


# The grader's own statement of the rules, used to judge random input.
def broken_fields(raw: Raw) -> list[str]:
    """Every field of raw that breaks a rule; empty when raw is a valid order."""

    def bad_text(value: object) -> bool:
        return not isinstance(value, str) or not value

    broken = []
    if bad_text(raw.get("id")):
        broken.append("id")
    customer = raw.get("customer")
    if not isinstance(customer, dict):
        broken.append("customer")
    elif bad_text(customer.get("email")) or "@" not in customer["email"]:
        broken.append("customer.email")
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        return [*broken, "items"]
    for index, item in enumerate(items):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            broken.append(path)
            continue
        if bad_text(item.get("sku")):
            broken.append(f"{path}.sku")
        quantity = item.get("quantity")
        if type(quantity) is not int or quantity < 1:
            broken.append(f"{path}.quantity")
    return broken


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.text("ab@", max_size=3),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["email", "sku", "quantity"]), inner, max_size=2)
    ),
    max_leaves=4,
)
raw_items = st.fixed_dictionaries(
    {},
    optional={
        "sku": st.just("PEN") | json_values,
        "quantity": st.integers(-1, 4) | json_values,
    },
)
raw_orders = st.fixed_dictionaries(
    {},
    optional={
        "id": st.just("A-1") | json_values,
        "customer": st.fixed_dictionaries({}, optional={"email": st.just("a@b.c") | json_values})
        | json_values,
        "items": st.lists(raw_items | json_values, min_size=1, max_size=3) | json_values,
    },
)
