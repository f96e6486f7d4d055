# exercise: logging.hot_path
# wrong: warns once per rejected item, an expected condition, so one batch makes 1,429 warnings
# caught-by: test_logs_once_per_batch
# hint: per_batch
def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    started = time.perf_counter()
    processed = rejected = total_cents = 0
    for item in items:
        if item.quantity > 0:
            processed += 1
            total_cents += item.quantity * item.price_cents
        else:
            rejected += 1
            logger.warning("rejected item %s: quantity %d", item.sku, item.quantity)
    logger.info(
        "batch processed",
        extra={
            "processed": processed,
            "rejected": rejected,
            "total_cents": total_cents,
            "duration_ms": (time.perf_counter() - started) * 1000,
        },
    )
    return Summary(processed=processed, rejected=rejected, total_cents=total_cents)
