# exercise: logging.traced_step
# wrong: reads REQUEST_ID once, when the function is decorated, instead of at every call
# caught-by: test_request_id_per_task
# hint: request_id_per_call
F = TypeVar("F", bound=Callable[..., Any])


def traced_step(name: str) -> Callable[[F], F]:
    """Log the start, the end, the duration and any error of every call of a step."""
    logger = logging.getLogger("agent")

    def decorate(func: F) -> F:
        fields: dict[str, object] = {"step": name, "request_id": REQUEST_ID.get()}

        def ended(started: float, result: object) -> None:
            end = {**fields, "outcome": "ok", "duration_ms": (time.perf_counter() - started) * 1000}
            end |= {k: getattr(result, k) for k in ("input_tokens", "output_tokens") if hasattr(result, k)}
            logger.info("step.end", extra=end)

        def failed(started: float, error: Exception) -> None:
            ms = (time.perf_counter() - started) * 1000
            extra = {**fields, "outcome": "error", "error_type": type(error).__name__, "duration_ms": ms}
            logger.error("step.end", extra=extra, exc_info=error)

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                logger.info("step.start", extra=fields)
                started = time.perf_counter()
                try:
                    result = await func(*args, **kwargs)
                except Exception as error:
                    failed(started, error)
                    raise
                ended(started, result)
                return result

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            logger.info("step.start", extra=fields)
            started = time.perf_counter()
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                failed(started, error)
                raise
            ended(started, result)
            return result

        return run  # type: ignore[return-value]

    return decorate
