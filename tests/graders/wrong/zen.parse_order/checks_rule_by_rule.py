# exercise: zen.parse_order
# wrong: checks rule by rule across the items (every item's shape, then every sku), not item by item
# caught-by: test_parse_order_agrees_with_the_rules_on_any_input
# hint: check_order
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



def _fail_unless(condition: bool, field: str, problem: str) -> None:
    if not condition:
        raise OrderError(field, problem)


def parse_order(raw: Mapping[str, object]) -> Order:
    """Build an Order from decoded JSON, or raise OrderError naming the first bad field."""
    order_id, customer, items = raw.get("id"), raw.get("customer"), raw.get("items")
    _fail_unless(isinstance(order_id, str) and order_id != "", "id", "must be a non-empty string")
    _fail_unless(isinstance(customer, Mapping), "customer", "must be an object")
    email = customer.get("email")  # type: ignore[union-attr]
    _fail_unless(isinstance(email, str) and "@" in email, "customer.email", "must contain an @")
    _fail_unless(isinstance(items, list) and items != [], "items", "must be a non-empty list")
    paths = [f"items[{index}]" for index in range(len(items))]  # type: ignore[arg-type]
    for path, item in zip(paths, items, strict=True):  # type: ignore[call-overload]
        _fail_unless(isinstance(item, Mapping), path, "must be an object")
    for path, item in zip(paths, items, strict=True):  # type: ignore[call-overload]
        sku = item.get("sku")
        _fail_unless(isinstance(sku, str) and sku != "", f"{path}.sku", "must be a non-empty string")
    for path, item in zip(paths, items, strict=True):  # type: ignore[call-overload]
        quantity = item.get("quantity")
        whole = type(quantity) is int and quantity >= 1
        _fail_unless(whole, f"{path}.quantity", "must be a whole number, at least 1")
    parsed = [Item(item["sku"], item["quantity"]) for item in items]  # type: ignore[union-attr]
    return Order(str(order_id), str(email), tuple(parsed))
