# exercise: logging.redaction
# wrong: treats record.args as a tuple, so a dict argument is turned into its keys and breaks
# caught-by: test_dict_arguments_are_redacted
# hint: dict_arguments
class RedactingFilter(logging.Filter):
    """Rewrite a record so that no e-mail address or sensitive value is left in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        def scrub(value: object) -> object:
            return EMAIL_PATTERN.sub("[email]", value) if isinstance(value, str) else value

        if record.args:
            record.args = tuple(scrub(arg) for arg in record.args)
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
