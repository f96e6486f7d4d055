# exercise: logging.traced_step
# wrong: measures with time.time(), a wall clock that jumps when the system time is corrected
# caught-by: test_duration_from_perf_counter
# hint: monotonic_clock
F = TypeVar("F", bound=Callable[..., Any])


def traced_step(name: str) -> Callable[[F], F]:
    """Log the start, the end, the duration and any error of every call of a step."""
    logger = logging.getLogger("agent")

    def ended(fields: dict[str, object], started: float, result: object) -> None:
        end = {**fields, "outcome": "ok", "duration_ms": (time.time() - started) * 1000}
        end |= {k: getattr(result, k) for k in ("input_tokens", "output_tokens") if hasattr(result, k)}
        logger.info("step.end", extra=end)

    def failed(fields: dict[str, object], started: float, error: Exception) -> None:
        ms = (time.time() - started) * 1000
        extra = {**fields, "outcome": "error", "error_type": type(error).__name__, "duration_ms": ms}
        logger.error("step.end", extra=extra, exc_info=error)

    def decorate(func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                fields: dict[str, object] = {"step": name, "request_id": REQUEST_ID.get()}
                logger.info("step.start", extra=fields)
                started = time.time()
                try:
                    result = await func(*args, **kwargs)
                except Exception as error:
                    failed(fields, started, error)
                    raise
                ended(fields, started, result)
                return result

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            fields: dict[str, object] = {"step": name, "request_id": REQUEST_ID.get()}
            logger.info("step.start", extra=fields)
            started = time.time()
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                failed(fields, started, error)
                raise
            ended(fields, started, result)
            return result

        return run  # type: ignore[return-value]

    return decorate
