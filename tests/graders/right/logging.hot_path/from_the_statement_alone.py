# exercise: logging.hot_path
# right: an examiner's answer, written from the statement alone
# a plain loop with counters; one debug record with at most 20 rejected SKUs, at DEBUG
# only
def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    started = time.perf_counter()
    good = bad = 0
    total = 0
    rejected_skus: list[str] = []
    keep_skus = logger.isEnabledFor(logging.DEBUG)
    for item in items:
        if item.quantity <= 0:
            bad += 1
            if keep_skus:
                rejected_skus.append(item.sku)
            continue
        good += 1
        total += item.quantity * item.price_cents
    if rejected_skus:
        logger.debug("batch rejected items", extra={"rejected_skus": rejected_skus[:20]})
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info(
        "batch processed",
        extra={"processed": good, "rejected": bad, "total_cents": total, "duration_ms": max(elapsed_ms, 0.0)},
    )
    return Summary(processed=good, rejected=bad, total_cents=total)
