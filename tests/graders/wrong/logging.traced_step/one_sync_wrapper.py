# exercise: logging.traced_step
# wrong: one plain wrapper for every function: for async def it times only the creation of the coroutine
# caught-by: test_async_steps_are_awaited_inside
# hint: await_inside
F = TypeVar("F", bound=Callable[..., Any])


def traced_step(name: str) -> Callable[[F], F]:
    """Log the start, the end, the duration and any error of every call of a step."""
    logger = logging.getLogger("agent")

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            fields: dict[str, object] = {"step": name, "request_id": REQUEST_ID.get()}
            logger.info("step.start", extra=fields)
            started = time.perf_counter()
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                ms = (time.perf_counter() - started) * 1000
                extra = {**fields, "outcome": "error", "error_type": type(error).__name__, "duration_ms": ms}
                logger.error("step.end", extra=extra, exc_info=error)
                raise
            end = {**fields, "outcome": "ok", "duration_ms": (time.perf_counter() - started) * 1000}
            end |= {k: getattr(result, k) for k in ("input_tokens", "output_tokens") if hasattr(result, k)}
            logger.info("step.end", extra=end)
            return result

        return run  # type: ignore[return-value]

    return decorate
