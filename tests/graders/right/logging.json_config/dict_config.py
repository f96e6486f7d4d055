# exercise: logging.json_config
# right: logging.config.dictConfig owns the root logger, and keeps loggers that already exist
import logging.config


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    FIXED = ("ts", "level", "logger", "message", "request_id")

    def format(self, record: logging.LogRecord) -> str:
        values = (
            datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            record.levelname,
            record.name,
            record.getMessage(),
            REQUEST_ID.get(),
        )
        entry = dict(zip(self.FIXED, values, strict=True))
        extra = set(record.__dict__) - STANDARD_ATTRIBUTES
        entry |= {name: record.__dict__[name] for name in sorted(extra)}
        if record.exc_info is not None and record.exc_info[1] is not None:
            entry["exc_type"] = type(record.exc_info[1]).__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(stream: TextIO, level: int = logging.INFO) -> None:
    """Write every record at `level` and above to `stream` as JSON lines; safe to call again."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonFormatter}},
            "handlers": {
                "json": {"class": "logging.StreamHandler", "stream": stream, "formatter": "json"}
            },
            "root": {"level": level, "handlers": ["json"]},
        }
    )
