# exercise: logging.traced_step
# right: a class used as a decorator, one context manager for both kinds of step, perf_counter imported by name
import contextlib
from collections.abc import Iterator
from time import perf_counter

F = TypeVar("F", bound=Callable[..., Any])
TOKEN_FIELDS = ("input_tokens", "output_tokens")


class traced_step:  # noqa: N801 - used like a function: @traced_step("plan")
    """Log the start, the end, the duration and any error of every call of a step."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.logger = logging.getLogger("agent")

    @contextlib.contextmanager
    def span(self) -> Iterator[dict[str, Any]]:
        fields: dict[str, Any] = {"step": self.name, "request_id": REQUEST_ID.get()}
        self.logger.info("step.start", extra=fields)
        began = perf_counter()
        outcome: dict[str, Any] = {}
        try:
            yield outcome
        except Exception as error:
            fields.update(outcome="error", error_type=type(error).__name__)
            fields["duration_ms"] = (perf_counter() - began) * 1000
            self.logger.error("step.end", extra=fields, exc_info=True)
            raise
        result = outcome.get("result")
        fields.update({k: getattr(result, k) for k in TOKEN_FIELDS if hasattr(result, k)})
        fields.update(outcome="ok", duration_ms=(perf_counter() - began) * 1000)
        self.logger.info("step.end", extra=fields)

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def awaiting(*args: Any, **kwargs: Any) -> Any:
                with self.span() as outcome:
                    outcome["result"] = await func(*args, **kwargs)
                return outcome["result"]

            return awaiting  # type: ignore[return-value]

        @functools.wraps(func)
        def calling(*args: Any, **kwargs: Any) -> Any:
            with self.span() as outcome:
                outcome["result"] = func(*args, **kwargs)
            return outcome["result"]

        return calling  # type: ignore[return-value]
