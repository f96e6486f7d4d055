# exercise: logging.redaction
# right: any object with a filter() method will do; this one formats the traceback with the traceback module
import traceback


@dataclass(frozen=True)
class Redactor:
    """Cleans records in place; handlers call its filter() method."""

    email_marker: str = "[email]"
    secret_marker: str = "[redacted]"

    def clean(self, text: str) -> str:
        return EMAIL_PATTERN.sub(self.email_marker, text)

    def filter(self, record: logging.LogRecord) -> bool:
        arguments = record.args
        if isinstance(arguments, dict):
            record.args = {
                name: self.secret_marker
                if name in SENSITIVE_KEYS
                else (self.clean(value) if isinstance(value, str) else value)
                for name, value in arguments.items()
            }
        message = self.clean(record.getMessage())
        record.msg, record.args = message, None
        extra_names = [name for name in vars(record) if name not in STANDARD_ATTRIBUTES]
        for name in extra_names:
            value = getattr(record, name)
            if name in SENSITIVE_KEYS:
                setattr(record, name, self.secret_marker)
            elif isinstance(value, str):
                setattr(record, name, self.clean(value))
        if record.exc_info is not None:
            lines = traceback.format_exception(*record.exc_info)
            record.exc_text = "".join(lines).rstrip("\n")
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        return True


def install_redaction(logger: logging.Logger) -> None:
    """Redact every record that the handlers of `logger` write, from any logger below it too."""
    redactor = Redactor()
    for handler in logger.handlers:
        handler.addFilter(redactor)
