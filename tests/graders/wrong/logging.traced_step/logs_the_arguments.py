# exercise: logging.traced_step
# wrong: puts the step's arguments into the start record, and they can hold personal data
# caught-by: test_arguments_are_not_logged
# hint: no_arguments
F = TypeVar("F", bound=Callable[..., Any])


def traced_step(name: str) -> Callable[[F], F]:
    """Log the start, the end, the duration and any error of every call of a step."""
    logger = logging.getLogger("agent")

    def start(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[dict[str, object], float]:
        fields: dict[str, object] = {"step": name, "request_id": REQUEST_ID.get()}
        logger.info("step.start", extra={**fields, "arguments": repr((args, kwargs))})
        return fields, time.perf_counter()

    def ended(fields: dict[str, object], started: float, result: object) -> None:
        end = {**fields, "outcome": "ok", "duration_ms": (time.perf_counter() - started) * 1000}
        end |= {k: getattr(result, k) for k in ("input_tokens", "output_tokens") if hasattr(result, k)}
        logger.info("step.end", extra=end)

    def failed(fields: dict[str, object], started: float, error: Exception) -> None:
        ms = (time.perf_counter() - started) * 1000
        extra = {**fields, "outcome": "error", "error_type": type(error).__name__, "duration_ms": ms}
        logger.error("step.end", extra=extra, exc_info=error)

    def decorate(func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                fields, started = start(args, kwargs)
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
            fields, started = start(args, kwargs)
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                failed(fields, started, error)
                raise
            ended(fields, started, result)
            return result

        return run  # type: ignore[return-value]

    return decorate
