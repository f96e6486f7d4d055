# exercise: logging.hot_path
# right: counts with comprehensions and logs the summary only, with perf_counter imported by name
from time import perf_counter


def process_batch(items: Sequence[Item], logger: logging.Logger) -> Summary:
    """Total the valid items of a batch, and log the batch once."""
    start = perf_counter()
    valid = [item for item in items if item.quantity > 0]
    summary = Summary(
        processed=len(valid),
        rejected=len(items) - len(valid),
        total_cents=sum(item.quantity * item.price_cents for item in valid),
    )
    fields = {
        "processed": summary.processed,
        "rejected": summary.rejected,
        "total_cents": summary.total_cents,
        "duration_ms": round((perf_counter() - start) * 1000, 3),
    }
    logger.info("batch processed", extra=fields)
    return summary
