# exercise: zen.parse_order
# right: one `require(condition, field, problem)` guard helper and a plain for loop over items
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


def require(condition: bool, field: str, problem: str) -> None:
    """Raise OrderError(field, problem) unless condition holds."""
    if not condition:
        raise OrderError(field, problem)


def is_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


def is_count(value: object) -> bool:
    return type(value) is int and value >= 1


def parse_item(raw_item: object, path: str) -> Item:
    require(isinstance(raw_item, Mapping), path, "must be an object")
    assert isinstance(raw_item, Mapping)
    sku, quantity = raw_item.get("sku"), raw_item.get("quantity")
    require(is_text(sku), f"{path}.sku", "must be a non-empty string")
    require(is_count(quantity), f"{path}.quantity", "must be a whole number, at least 1")
    return Item(str(sku), int(quantity))  # type: ignore[call-overload]


def parse_order(raw: Mapping[str, object]) -> Order:
    """Build an Order from decoded JSON, or raise OrderError naming the first bad field."""
    order_id = raw.get("id")
    require(is_text(order_id), "id", "must be a non-empty string")
    customer = raw.get("customer")
    require(isinstance(customer, Mapping), "customer", "must be an object")
    assert isinstance(customer, Mapping)
    email = customer.get("email")
    require(isinstance(email, str) and "@" in email, "customer.email", "must contain an @")
    items = raw.get("items")
    require(isinstance(items, list) and len(items) > 0, "items", "must be a non-empty list")
    assert isinstance(items, list)
    parsed = []
    for index, raw_item in enumerate(items):
        parsed.append(parse_item(raw_item, f"items[{index}]"))
    return Order(str(order_id), str(email), tuple(parsed))
