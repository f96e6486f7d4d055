# exercise: quality.ruff_clean
# right: annotated, a conditional default, an f-string with :d like the old %d
"""Order helpers for a small shop."""

import json
import logging
from typing import Any

log = logging.getLogger(__name__)


def add_tag(tag: str, tags: list[str] | None = None) -> list[str]:
    """Append tag to tags and return the list; a new list when none is given."""
    result = tags if tags is not None else []
    result.append(tag)
    return result


def parse_quantity(text: str) -> int | None:
    """Return text as a whole number, or None when it is not one."""
    try:
        quantity = int(text)
    except ValueError:
        quantity = None
    return quantity


def is_paid(order: dict[str, Any]) -> bool:
    """Whether the order is paid; the database stores the flag as 0 or 1."""
    return order["paid"] != 0


def describe(order: dict[str, Any]) -> str:
    """A one-line summary of an order, for the packing list."""
    summary = f"{order['sku']} x {order['quantity']:d}"
    if order.get("coupon") is not None:
        summary = f"{summary} (coupon {order['coupon']})"
    return summary


def ship(order_id: str) -> str:
    """Mark an order as shipped and return the event as JSON."""
    event = {"order": order_id, "status": "shipped"}
    log.info("shipping order %s", order_id)
    return json.dumps(event)
