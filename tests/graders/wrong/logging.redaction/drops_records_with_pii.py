# exercise: logging.redaction
# wrong: drops every record that holds personal data instead of cleaning it
# caught-by: test_records_survive_redaction
# hint: keep_the_record
class RedactingFilter(logging.Filter):
    """Rewrite a record so that no e-mail address or sensitive value is left in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        extra = {k: v for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES}
        if SENSITIVE_KEYS & set(extra):
            return False
        if isinstance(record.args, dict) and SENSITIVE_KEYS & set(record.args):
            return False
        return not EMAIL_PATTERN.search(text + repr(extra))


def install_redaction(logger: logging.Logger) -> None:
    """Redact every record that the handlers of `logger` write, from any logger below it too."""
    for handler in logger.handlers:
        handler.addFilter(RedactingFilter())
