# exercise: zen.parse_order
# right: an examiner's answer, written from the statement alone
# flat helpers, one per part of the order, each raising OrderError
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


def _non_empty_text(value: object, field: str) -> str:
    """`value` itself when it is a non-empty string; OrderError naming `field` otherwise."""
    if isinstance(value, str) and value:
        return value
    raise OrderError(field, "must be a non-empty string")


def _mapping(value: object, field: str) -> Mapping[str, object]:
    """`value` itself when it is an object (a mapping); OrderError naming `field` otherwise."""
    if isinstance(value, Mapping):
        return value
    raise OrderError(field, "must be an object")


def _parse_item(raw_item: object, path: str) -> Item:
    """One line of the order; every rule of this item is checked before the next item."""
    fields = _mapping(raw_item, path)
    sku = _non_empty_text(fields.get("sku"), f"{path}.sku")
    quantity = fields.get("quantity")
    # bool is a subclass of int, so True must be refused explicitly.
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise OrderError(f"{path}.quantity", "must be a whole number, at least 1")
    return Item(sku=sku, quantity=quantity)


def parse_order(raw: Mapping[str, object]) -> Order:
    """Build an Order from decoded JSON; OrderError names the first bad field."""
    order_id = _non_empty_text(raw.get("id"), "id")
    customer = _mapping(raw.get("customer"), "customer")
    email = customer.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise OrderError("customer.email", "must be a string that contains '@'")
    raw_items = raw.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise OrderError("items", "must be a non-empty list")
    parsed: list[Item] = []
    for index, raw_item in enumerate(raw_items):
        parsed.append(_parse_item(raw_item, f"items[{index}]"))
    return Order(order_id=order_id, email=email, items=tuple(parsed))
