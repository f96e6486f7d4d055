# exercise: zen.parse_order
# wrong: flat and clean, but returns None for bad data instead of raising
# caught-by: test_parse_order_rejects_bad_orders_loudly
# hint: refuse_to_guess
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


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _item(value: object) -> Item | None:
    if not isinstance(value, Mapping):
        return None
    sku = _text(value.get("sku"))
    quantity = value.get("quantity")
    if sku is None or isinstance(quantity, bool) or not isinstance(quantity, int):
        return None
    return Item(sku, quantity) if quantity >= 1 else None


def parse_order(raw: Mapping[str, object]) -> Order | None:
    """Build an Order from decoded JSON, or None when the data is bad."""
    order_id = _text(raw.get("id"))
    customer = raw.get("customer")
    if order_id is None or not isinstance(customer, Mapping):
        return None
    email = _text(customer.get("email"))
    items = raw.get("items")
    if email is None or "@" not in email or not isinstance(items, list) or not items:
        return None
    parsed = [_item(item) for item in items]
    if None in parsed:
        return None
    return Order(order_id, email, tuple(item for item in parsed if item is not None))
