# exercise: logging.hot_path
# wrong: passes an argument that is computed (str() of every rejected item) even when DEBUG is off
# caught-by: test_formats_nothing_it_does_not_write
# hint: format_only_when_written
def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    started = time.perf_counter()
    valid = [item for item in items if item.quantity > 0]
    rejected = [item for item in items if item.quantity <= 0]
    total_cents = sum(item.quantity * item.price_cents for item in valid)
    logger.debug("rejected items: %s", ", ".join(str(item) for item in rejected))
    logger.info(
        "batch processed",
        extra={
            "processed": len(valid),
            "rejected": len(rejected),
            "total_cents": total_cents,
            "duration_ms": (time.perf_counter() - started) * 1000,
        },
    )
    return Summary(processed=len(valid), rejected=len(rejected), total_cents=total_cents)
