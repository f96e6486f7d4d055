# exercise: zen.parse_order
# wrong: raises OrderError everywhere, but keeps the stale `-> Order | None` annotation
# caught-by: test_parse_order_annotation_never_returns_none
# hint: honest_annotation
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


def _fields(value: object, field: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise OrderError(field, "must be an object with fields")
    return value


def _item(value: object, field: str) -> Item:
    item = _fields(value, field)
    sku = _text(item.get("sku"), f"{field}.sku")
    quantity = item.get("quantity")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise OrderError(f"{field}.quantity", "must be a whole number, at least 1")
    return Item(sku, quantity)


def parse_order(raw: Mapping[str, object]) -> Order | None:
    """Build an Order from decoded JSON, or raise OrderError naming the first bad field."""
    order_id = _text(raw.get("id"), "id")
    customer = _fields(raw.get("customer"), "customer")
    email = _text(customer.get("email"), "customer.email")
    if "@" not in email:
        raise OrderError("customer.email", "must contain an @")
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        raise OrderError("items", "must be a non-empty list")
    parsed = (_item(item, f"items[{index}]") for index, item in enumerate(items))
    return Order(order_id, email, tuple(parsed))
