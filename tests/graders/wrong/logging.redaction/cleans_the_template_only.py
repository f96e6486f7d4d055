# exercise: logging.redaction
# wrong: cleans record.msg, the template, but not the arguments merged into it later
# caught-by: test_message_arguments_are_redacted
# hint: redact_arguments
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
        record.msg = scrub(record.msg)
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
    for handler in logger.handlers:
        handler.addFilter(RedactingFilter())
