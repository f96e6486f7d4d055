# exercise: logging.json_config
# wrong: reads the request id once, when logging is configured, instead of for each record
# caught-by: test_request_id_from_context
# hint: request_id_per_record
class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def __init__(self) -> None:
        super().__init__()
        self.request_id = REQUEST_ID.get()

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": self.request_id,
        }
        entry.update((k, v) for k, v in vars(record).items() if k not in STANDARD_ATTRIBUTES)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(stream: TextIO, level: int = logging.INFO) -> None:
    """Write every record at `level` and above to `stream` as JSON lines; safe to call again."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == "json_lines"]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.set_name("json_lines")
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
