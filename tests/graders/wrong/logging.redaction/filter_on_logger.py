# exercise: logging.redaction
# wrong: puts the filter on the logger, which never sees records of its child loggers
# caught-by: test_child_records_are_redacted
# hint: handler_not_logger
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
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = EMAIL_PATTERN.sub("[email]", record.exc_text)
        return True


def install_redaction(logger: logging.Logger) -> None:
    """Redact every record that the handlers of `logger` write, from any logger below it too."""
    logger.addFilter(RedactingFilter())
