# exercise: logging.redaction
# wrong: cleans exc_text but keeps exc_info, so a formatter that formats the exception itself leaks it
# caught-by: test_exception_text_is_redacted
# hint: exception_text
class RedactingFilter(logging.Filter):
    """Rewrite a record so that no e-mail address or sensitive value is left in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        def scrub(value: object) -> object:
            return EMAIL_PATTERN.sub("[email]", value) if isinstance(value, str) else value

        if isinstance(record.args, dict):
            record.args = {
                key: "[redacted]" if key in SENSITIVE_KEYS else scrub(value)
                for key, value in record.args.items()
            }
        record.msg, record.args = EMAIL_PATTERN.sub("[email]", record.getMessage()), None
        for key, value in list(vars(record).items()):
            if key not in STANDARD_ATTRIBUTES:
                setattr(record, key, "[redacted]" if key in SENSITIVE_KEYS else scrub(value))
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = EMAIL_PATTERN.sub("[email]", text)
        return True


def install_redaction(logger: logging.Logger) -> None:
    """Redact every record that the handlers of `logger` write, from any logger below it too."""
    for handler in logger.handlers:
        handler.addFilter(RedactingFilter())
