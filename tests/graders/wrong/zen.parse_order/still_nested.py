# exercise: zen.parse_order
# wrong: raises OrderError everywhere, but keeps the pyramid of nested ifs
# caught-by: test_parse_order_is_flat
# hint: flatten
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
    order_id = raw.get("id")
    if isinstance(order_id, str) and order_id:
        customer = raw.get("customer")
        if isinstance(customer, Mapping):
            email = customer.get("email")
            if isinstance(email, str) and "@" in email:
                items = raw.get("items")
                if isinstance(items, list) and items:
                    parsed = []
                    for index, item in enumerate(items):
                        path = f"items[{index}]"
                        if isinstance(item, Mapping):
                            sku = item.get("sku")
                            if isinstance(sku, str) and sku:
                                quantity = item.get("quantity")
                                if type(quantity) is int and quantity >= 1:
                                    parsed.append(Item(sku, quantity))
                                else:
                                    raise OrderError(f"{path}.quantity", "must be at least 1")
                            else:
                                raise OrderError(f"{path}.sku", "must be a non-empty string")
                        else:
                            raise OrderError(path, "must be an object with fields")
                    return Order(order_id, email, tuple(parsed))
                raise OrderError("items", "must be a non-empty list")
            raise OrderError("customer.email", "must contain an @")
        raise OrderError("customer", "must be an object with fields")
    raise OrderError("id", "must be a non-empty string")
