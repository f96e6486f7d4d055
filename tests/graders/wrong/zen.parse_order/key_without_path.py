# exercise: zen.parse_order
# wrong: reports the missing key's own name ('email', 'sku') instead of its full path
# caught-by: test_parse_order_names_the_missing_field
# hint: field_path
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
    """Build an Order from decoded JSON, or raise OrderError."""
    try:
        customer = raw["customer"]
        items = tuple(Item(item["sku"], item["quantity"]) for item in raw["items"])
        return Order(raw["id"], customer["email"], items)
    except KeyError as error:
        raise OrderError(str(error.args[0]), "is missing") from error
