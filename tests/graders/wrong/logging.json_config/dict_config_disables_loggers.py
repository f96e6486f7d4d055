# exercise: logging.json_config
# wrong: dictConfig with its default disable_existing_loggers=True silences loggers made before the call
# caught-by: test_existing_loggers_keep_logging
# hint: existing_loggers
import logging.config


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": REQUEST_ID.get(),
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(stream: TextIO, level: int = logging.INFO) -> None:
    """Write every record at `level` and above to `stream` as JSON lines; safe to call again."""
    logging.config.dictConfig(
        {
            "version": 1,
            "formatters": {"json": {"()": JsonFormatter}},
            "handlers": {
                "json": {"class": "logging.StreamHandler", "stream": stream, "formatter": "json"}
            },
            "root": {"level": level, "handlers": ["json"]},
        }
    )
