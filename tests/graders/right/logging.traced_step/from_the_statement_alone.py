# exercise: logging.traced_step
# right: an examiner's answer, written from the statement alone
# shared begin and end helpers, separate sync and async wrappers
F = TypeVar("F", bound=Callable[..., Any])

_agent_log = logging.getLogger("agent")


def traced_step(name: str) -> Callable[[F], F]:
    """Log the start, the end, the duration and any error of every call of a step."""

    def begin() -> tuple[dict[str, Any], float]:
        context = {"step": name, "request_id": REQUEST_ID.get()}
        _agent_log.info("step.start", extra=context)
        return context, time.perf_counter()

    def end_ok(context: dict[str, Any], started: float, result: Any) -> None:
        fields = dict(context, outcome="ok", duration_ms=(time.perf_counter() - started) * 1000)
        if hasattr(result, "input_tokens") and hasattr(result, "output_tokens"):
            fields["input_tokens"] = result.input_tokens
            fields["output_tokens"] = result.output_tokens
        _agent_log.info("step.end", extra=fields)

    def end_error(context: dict[str, Any], started: float, error: BaseException) -> None:
        fields = dict(
            context,
            outcome="error",
            error_type=type(error).__name__,
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        _agent_log.error("step.end", exc_info=error, extra=fields)

    def decorate(func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_step(*args: Any, **kwargs: Any) -> Any:
                context, started = begin()
                try:
                    result = await func(*args, **kwargs)
                except BaseException as error:
                    end_error(context, started, error)
                    raise
                end_ok(context, started, result)
                return result

            return async_step  # type: ignore[return-value]

        @functools.wraps(func)
        def sync_step(*args: Any, **kwargs: Any) -> Any:
            context, started = begin()
            try:
                result = func(*args, **kwargs)
            except BaseException as error:
                end_error(context, started, error)
                raise
            end_ok(context, started, result)
            return result

        return sync_step  # type: ignore[return-value]

    return decorate
