# exercise: quality.ruff_clean
# wrong: fixes B006 with tags=None but never creates the list when tags is None
# caught-by: test_ruff_clean_add_tag_gives_each_call_a_new_list
# hint: none_default
"""Order helpers for a small shop."""

import json
import logging

logger = logging.getLogger(__name__)


def add_tag(tag, tags=None):
    """Append tag to tags and return the list."""
    tags.append(tag)
    return tags


def parse_quantity(text):
    """Return text as a whole number, or None when it is not one."""
    try:
        return int(text)
    except ValueError:
        return None


def is_paid(order):
    """Whether the order is paid; the database stores the flag as 0 or 1."""
    return bool(order["paid"])


def describe(order):
    """A one-line summary of an order, for the packing list."""
    sku, quantity = order["sku"], order["quantity"]
    if order.get("coupon") is None:
        return f"{sku} x {quantity}"
    return f"{sku} x {quantity} (coupon {order['coupon']})"


def ship(order_id):
    """Mark an order as shipped and return the event as JSON."""
    logger.info("shipping order %s", order_id)
    return json.dumps({"order": order_id, "status": "shipped"})
