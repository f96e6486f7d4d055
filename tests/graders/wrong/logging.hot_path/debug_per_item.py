# exercise: logging.hot_path
# wrong: logs one debug record per item, so a batch of 10,000 makes 10,000 records
# caught-by: test_logs_once_per_batch
# hint: per_batch
def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    started = time.perf_counter()
    processed = rejected = total_cents = 0
    for item in items:
        logger.debug("processing item %s", item.sku)
        if item.quantity > 0:
            processed += 1
            total_cents += item.quantity * item.price_cents
        else:
            rejected += 1
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
