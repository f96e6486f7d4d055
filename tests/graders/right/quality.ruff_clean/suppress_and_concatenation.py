# exercise: quality.ruff_clean
# right: contextlib.suppress, a conditional default, concatenation, a dict() call
"""Order helpers for a small shop."""

import contextlib
import json
import logging

logger = logging.getLogger(__name__)


def add_tag(tag, tags=None):
    """Append tag to tags and return the list; a new list when none is given."""
    tags = [] if tags is None else tags
    tags.append(tag)
    return tags


def parse_quantity(text):
    """Return text as a whole number, or None when it is not one."""
    with contextlib.suppress(ValueError):
        return int(text)
    return None


def is_paid(order):
    """Whether the order is paid; the database stores the flag as 0 or 1."""
    return order["paid"] == 1


def describe(order):
    """A one-line summary of an order, for the packing list."""
    line = order["sku"] + " x " + str(order["quantity"])
    coupon = order.get("coupon")
    if coupon is not None:
        line += " (coupon " + coupon + ")"
    return line


def ship(order_id):
    """Mark an order as shipped and return the event as JSON."""
    logger.info("shipping order %s", order_id)
    return json.dumps(dict(order=order_id, status="shipped"))
