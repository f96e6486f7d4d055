# exercise: logging.redaction
# right: a plain function as the handler filter, with one recursive helper for every place
def _scrub(value: object, key: str = "") -> object:
    if key in SENSITIVE_KEYS:
        return "[redacted]"
    match value:
        case str():
            return EMAIL_PATTERN.sub("[email]", value)
        case dict():
            return {k: _scrub(v, str(k)) for k, v in value.items()}
        case tuple():
            return tuple(_scrub(v) for v in value)
        case _:
            return value


def _redact(record: logging.LogRecord) -> bool:
    if isinstance(record.args, dict):
        record.args = _scrub(record.args)
    record.msg = _scrub(record.getMessage())
    record.args = ()
    for key in set(record.__dict__) - STANDARD_ATTRIBUTES:
        record.__dict__[key] = _scrub(record.__dict__[key], key)
    if record.exc_info:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.exc_info = None
    if record.exc_text:
        record.exc_text = _scrub(record.exc_text)
    return True


def install_redaction(logger: logging.Logger) -> None:
    """Redact every record that the handlers of `logger` write, from any logger below it too."""
    for handler in logger.handlers:
        if _redact not in handler.filters:
            handler.addFilter(_redact)
