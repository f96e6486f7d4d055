# exercise: zen.parse_order
# wrong: flat, but reads fields with raw[...] so a missing one escapes as KeyError
# caught-by: test_parse_order_rejects_bad_orders_loudly
# hint: order_error
@dataclass(frozen=True)
class Item:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Order:
    order_id: str
    email: str
    items: tuple[Item, ...]


class OrderError(ValueError):
    """Bad order data; `field` is the path of the bad field, such as 'items[1].sku'."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def parse_order(raw: Mapping[str, object]) -> Order:
    """Build an Order from decoded JSON, or raise OrderError naming the first bad field."""
    order_id = raw["id"]
    if not isinstance(order_id, str) or not order_id:
        raise OrderError("id", "must be a non-empty string")
    customer = raw["customer"]
    if not isinstance(customer, Mapping):
        raise OrderError("customer", "must be an object with fields")
    email = customer["email"]
    if not isinstance(email, str) or "@" not in email:
        raise OrderError("customer.email", "must be an email address")
    items = raw["items"]
    if not isinstance(items, list) or not items:
        raise OrderError("items", "must be a non-empty list")
    return Order(order_id, email, tuple(Item(i["sku"], i["quantity"]) for i in items))
