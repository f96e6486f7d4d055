# exercise: logging.redaction
# right: an examiner's answer, written from the statement alone
# a filter on each handler: arguments cleaned recursively and merged, exc_text redacted
from collections.abc import Mapping

EMAIL_MASK = "[email]"
SECRET_MASK = "[redacted]"


def _is_sensitive(key: object) -> bool:
    return isinstance(key, str) and key.lower() in SENSITIVE_KEYS


def _scrub(value: Any) -> Any:
    """The value with its e-mail addresses and sensitive dict entries masked."""
    if isinstance(value, str):
        return EMAIL_PATTERN.sub(EMAIL_MASK, value)
    if isinstance(value, Mapping):
        return {k: SECRET_MASK if _is_sensitive(k) else _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return type(value)(_scrub(v) for v in value)
    if isinstance(value, (int, float)) or value is None:
        return value
    text = str(value)
    return EMAIL_PATTERN.sub(EMAIL_MASK, text) if EMAIL_PATTERN.search(text) else value


class RedactingFilter(logging.Filter):
    """Rewrite a record so that no e-mail address or sensitive value is left in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        # 1. The arguments: a single dict keeps its keys (for "%(user)s" templates), values masked.
        if record.args:
            record.args = _scrub(record.args)
        # 2. The message with its arguments merged in; afterwards there are no arguments left.
        try:
            merged = record.getMessage()
        except Exception:  # a broken template: clean what we have, let the handler report it
            record.msg = _scrub(record.msg) if isinstance(record.msg, str) else record.msg
        else:
            record.msg = EMAIL_PATTERN.sub(EMAIL_MASK, merged)
            record.args = None
        if hasattr(record, "message"):
            record.message = EMAIL_PATTERN.sub(EMAIL_MASK, str(record.message))
        # 3. The extra fields.
        for key in [k for k in vars(record) if k not in STANDARD_ATTRIBUTES]:
            if _is_sensitive(key):
                setattr(record, key, SECRET_MASK)
            else:
                setattr(record, key, _scrub(getattr(record, key)))
        # 4. The exception: render it once, clean the text, and drop the live exception object.
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = EMAIL_PATTERN.sub(EMAIL_MASK, record.exc_text)
        if record.stack_info:
            record.stack_info = EMAIL_PATTERN.sub(EMAIL_MASK, record.stack_info)
        return True


def install_redaction(logger: logging.Logger) -> None:
    """Redact every record that the handlers of `logger` write, from any logger below it too."""
    # On the handlers, not the logger: a logger's filters never see its children's records.
    for handler in logger.handlers:
        if not any(type(f).__name__ == "RedactingFilter" for f in handler.filters):
            handler.addFilter(RedactingFilter())
