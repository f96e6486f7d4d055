# exercise: logging.json_config
# wrong: uses logging.basicConfig, which ignores every call after the first one
# caught-by: test_configure_again_moves_to_the_new_stream
# hint: latest_call_wins
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
    logging.basicConfig(stream=stream, level=level)
    logging.getLogger().handlers[0].setFormatter(JsonFormatter())
