# exercise: logging.redaction
# wrong: cleans the message and the exception but leaves the extra fields as they were
# caught-by: test_extra_fields_are_redacted
# hint: extra_fields_pii
class RedactingFilter(logging.Filter):
    """Rewrite a record so that no e-mail address or sensitive value is left in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = {
                key: "[redacted]" if key in SENSITIVE_KEYS else value
                for key, value in record.args.items()
            }
        record.msg, record.args = EMAIL_PATTERN.sub("[email]", record.getMessage()), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = EMAIL_PATTERN.sub("[email]", record.exc_text)
        return True


def install_redaction(logger: logging.Logger) -> None:
    """Redact every record that the handlers of `logger` write, from any logger below it too."""
    for handler in logger.handlers:
        handler.addFilter(RedactingFilter())
