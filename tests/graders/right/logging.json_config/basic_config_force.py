# exercise: logging.json_config
# right: basicConfig(force=True) replaces the root's handlers; a handler filter stamps the request id
class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        created = datetime.fromtimestamp(record.created).astimezone(UTC)
        fields = {
            key: value for key, value in record.__dict__.items() if key not in STANDARD_ATTRIBUTES
        }
        fields.setdefault("request_id", REQUEST_ID.get())
        if record.exc_info:
            exc_type = record.exc_info[0]
            fields["exc_type"] = exc_type.__name__ if exc_type else "None"
            fields["traceback"] = self.formatException(record.exc_info)
        return json.dumps(
            {
                "ts": created.isoformat(),
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
                **fields,
            },
            default=lambda value: str(value),
        )


def configure_logging(stream: TextIO, level: int = logging.INFO) -> None:
    """Write every record at `level` and above to `stream` as JSON lines; safe to call again."""

    def stamp_request_id(record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True

    handler = logging.StreamHandler(stream)
    handler.addFilter(stamp_request_id)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(handlers=[handler], level=level, force=True)
