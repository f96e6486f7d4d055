# exercise: quality.ruff_clean
# wrong: silences every finding with # noqa instead of fixing the code
# caught-by: test_ruff_clean_passes_ruff_check
# hint: noqa_ignored
"""Order helpers for a small shop."""

import os  # noqa: F401
import logging  # noqa: I001
import json

logger = logging.getLogger(__name__)


def add_tag(tag, tags=[]):  # noqa: B006
    """Append tag to tags and return the list."""
    tags.append(tag)
    return tags


def parse_quantity(text):
    """Return text as a whole number, or None when it is not one."""
    try:
        return int(text)
    except:  # noqa: E722
        return None


def is_paid(order):
    """Whether the order is paid; the database stores the flag as 0 or 1."""
    return order["paid"] == True  # noqa: E712


def describe(order):
    """A one-line summary of an order, for the packing list."""
    if order.get("coupon") == None:  # noqa: E711
        return "%s x %d" % (order["sku"], order["quantity"])  # noqa: UP031
    return "%s x %d (coupon %s)" % (order["sku"], order["quantity"], order["coupon"])  # noqa


def ship(order_id):
    """Mark an order as shipped and return the event as JSON."""
    logger.info(f"shipping order {order_id}")  # noqa: G004
    return json.dumps({"order": order_id, "status": "shipped"})
