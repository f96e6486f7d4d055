# exercise: logging.hot_path
# right: logger.log with lazy %r arguments: items are formatted only when DEBUG records are written
def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    began = time.perf_counter()
    totals = {"processed": 0, "rejected": 0, "total_cents": 0}
    first_rejected: list[Item] = []
    for item in items:
        if item.quantity <= 0:
            totals["rejected"] += 1
            if len(first_rejected) < 3:
                first_rejected.append(item)
            continue
        totals["processed"] += 1
        totals["total_cents"] += item.quantity * item.price_cents
    logger.log(logging.DEBUG, "batch starts with %d items", len(items))
    logger.log(logging.DEBUG, "first rejected: %r", first_rejected)
    elapsed_ms = (time.perf_counter() - began) * 1000
    logger.log(logging.INFO, "batch processed", extra={**totals, "duration_ms": elapsed_ms})
    return Summary(**totals)
