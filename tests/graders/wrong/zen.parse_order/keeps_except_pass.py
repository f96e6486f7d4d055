# exercise: zen.parse_order
# wrong: flattened, but still wraps the parse in try/except Exception: pass
# caught-by: test_parse_order_never_swallows_errors
# hint: silent_errors
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


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise OrderError(field, "must be a non-empty string")
    return value


def _item(value: object, field: str) -> Item:
    if not isinstance(value, Mapping):
        raise OrderError(field, "must be an object with fields")
    sku = _text(value.get("sku"), f"{field}.sku")
    quantity = value.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise OrderError(f"{field}.quantity", "must be a whole number, at least 1")
    return Item(sku, quantity)


def parse_order(raw: Mapping[str, object]) -> Order:
    """Build an Order from decoded JSON, or raise OrderError naming the first bad field."""
    order_id = _text(raw.get("id"), "id")
    customer = raw.get("customer")
    if not isinstance(customer, Mapping):
        raise OrderError("customer", "must be an object with fields")
    email = _text(customer.get("email"), "customer.email")
    if "@" not in email:
        raise OrderError("customer.email", "must contain an @")
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        raise OrderError("items", "must be a non-empty list")
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append(_item(item, f"items[{index}]"))
        except Exception:
            pass  # skip the odd bad item rather than lose the whole order
    return Order(order_id, email, tuple(parsed))
