# exercise: quality.ruff_clean
# right: an examiner's answer, written from the statement alone
# tags=None, except (TypeError, ValueError), bool(order['paid']), f-strings with :d, %s
# logging
"""Order helpers for a small shop."""

import json
import logging

logger = logging.getLogger(__name__)


def add_tag(tag, tags=None):
    """Append tag to tags and return the list; a new list when none is given."""
    result = [] if tags is None else tags
    result.append(tag)
    return result


def parse_quantity(text):
    """Return text as a whole number, or None when it is not one."""
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def is_paid(order):
    """Whether the order is paid; the database stores the flag as 0 or 1."""
    return bool(order["paid"])


def describe(order):
    """A one-line summary of an order, for the packing list."""
    line = f"{order['sku']} x {order['quantity']:d}"
    coupon = order.get("coupon")
    if coupon is None:
        return line
    return f"{line} (coupon {coupon})"


def ship(order_id):
    """Mark an order as shipped and return the event as JSON."""
    logger.info("shipping order %s", order_id)
    return json.dumps({"order": order_id, "status": "shipped"})
