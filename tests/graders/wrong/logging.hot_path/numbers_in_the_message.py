# exercise: logging.hot_path
# wrong: puts the numbers into the message text instead of extra fields a query can use
# caught-by: test_summary_record_has_fields
# hint: summary_fields
def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    started = time.perf_counter()
    valid = [item for item in items if item.quantity > 0]
    rejected = len(items) - len(valid)
    total_cents = sum(item.quantity * item.price_cents for item in valid)
    logger.info(
        "batch processed: %d processed, %d rejected, %d cents in %.1f ms",
        len(valid),
        rejected,
        total_cents,
        (time.perf_counter() - started) * 1000,
    )
    return Summary(processed=len(valid), rejected=rejected, total_cents=total_cents)
