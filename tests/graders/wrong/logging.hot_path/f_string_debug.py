# exercise: logging.hot_path
# wrong: builds the debug message with an f-string, formatted even when DEBUG is off
# caught-by: test_logging_calls_pass_arguments
# hint: logging_arguments
def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    started = time.perf_counter()
    valid = [item for item in items if item.quantity > 0]
    rejected = [item for item in items if item.quantity <= 0]
    total_cents = sum(item.quantity * item.price_cents for item in valid)
    logger.debug(f"rejected items: {rejected[:5]}")
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
