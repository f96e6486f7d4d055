# exercise: zen.parse_order
# right: structural pattern matching (`match`/`case`) in small helpers, items built by a comprehension
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


def text_at(value: object, field: str) -> str:
    match value:
        case str() if value:
            return value
        case _:
            raise OrderError(field, "must be a non-empty string")


def mapping_at(value: object, field: str) -> Mapping[str, object]:
    match value:
        case Mapping():
            return value
        case _:
            raise OrderError(field, "must be an object")


def item_at(value: object, field: str) -> Item:
    fields = mapping_at(value, field)
    sku = text_at(fields.get("sku"), f"{field}.sku")
    match fields.get("quantity"):
        case bool():
            raise OrderError(f"{field}.quantity", "is a bool, not a whole number")
        case int(quantity) if quantity >= 1:
            return Item(sku, quantity)
        case _:
            raise OrderError(f"{field}.quantity", "must be a whole number, at least 1")


def parse_order(raw: Mapping[str, object]) -> Order:
    """Build an Order from decoded JSON, or raise OrderError naming the first bad field."""
    order_id = text_at(raw.get("id"), "id")
    email = text_at(mapping_at(raw.get("customer"), "customer").get("email"), "customer.email")
    if "@" not in email:
        raise OrderError("customer.email", "has no @")
    items = raw.get("items")
    if not isinstance(items, list) or not items:
        raise OrderError("items", "must be a non-empty list")
    return Order(order_id, email, tuple(item_at(v, f"items[{i}]") for i, v in enumerate(items)))
