# exercise: logging.traced_step
# right: a small Trace object per call, try/except/else in each wrapper, time looked up through the module
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Trace:
    """One call of one step, from its start record to its end record."""

    step: str
    request_id: str = "-"
    started: float = 0.0

    def begin(self) -> None:
        self.request_id = REQUEST_ID.get()
        logging.getLogger("agent").info("step.start", extra=self.fields())
        self.started = time.perf_counter()

    def fields(self, **more: object) -> dict[str, object]:
        return {"step": self.step, "request_id": self.request_id, **more}

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def ok(self, result: object) -> None:
        tokens = {}
        if hasattr(result, "input_tokens") and hasattr(result, "output_tokens"):
            tokens = {"input_tokens": result.input_tokens, "output_tokens": result.output_tokens}
        extra = self.fields(outcome="ok", duration_ms=self.elapsed_ms(), **tokens)
        logging.getLogger("agent").info("step.end", extra=extra)

    def error(self, error: Exception) -> None:
        extra = self.fields(
            outcome="error", error_type=type(error).__name__, duration_ms=self.elapsed_ms()
        )
        logging.getLogger("agent").error("step.end", extra=extra, exc_info=error)


def traced_step(name: str) -> Callable[[F], F]:
    """Log the start, the end, the duration and any error of every call of a step."""

    def decorate(func: F) -> F:
        if not inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            def sync_step(*args: Any, **kwargs: Any) -> Any:
                trace = Trace(name)
                trace.begin()
                try:
                    result = func(*args, **kwargs)
                except Exception as error:
                    trace.error(error)
                    raise
                else:
                    trace.ok(result)
                    return result

            return sync_step  # type: ignore[return-value]

        @functools.wraps(func)
        async def async_step(*args: Any, **kwargs: Any) -> Any:
            trace = Trace(name)
            trace.begin()
            try:
                result = await func(*args, **kwargs)
            except Exception as error:
                trace.error(error)
                raise
            else:
                trace.ok(result)
                return result

        return async_step  # type: ignore[return-value]

    return decorate
