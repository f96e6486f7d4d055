# exercise: logging.json_config
# right: an examiner's answer, written from the statement alone
# a root handler added by hand (no dictConfig), found again by its name; a filter stamps
# request_id
_HANDLER_NAME = "json-lines"  # how a later call recognises the handler an earlier one installed


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {}
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES:
                payload[key] = value
        payload.update(
            ts=datetime.fromtimestamp(record.created, tz=UTC).isoformat(),
            level=record.levelname,
            logger=record.name,
            message=record.getMessage(),
            request_id=getattr(record, "request_id", REQUEST_ID.get()),
        )
        if record.exc_info and record.exc_info[0] is not None:
            payload["exc_type"] = record.exc_info[0].__name__
            payload["traceback"] = self.formatException(record.exc_info)
        try:
            return json.dumps(payload, default=str)
        except (TypeError, ValueError):
            # e.g. a circular structure, or a dict with non-string keys in an extra field
            return json.dumps({key: value if isinstance(value, str) else str(value) for key, value in payload.items()})


def _stamp_request_id(record: logging.LogRecord) -> bool:
    """Copy the current request id onto the record, in the code that logged it."""
    if not hasattr(record, "request_id"):
        record.request_id = REQUEST_ID.get()
    return True


def configure_logging(stream: TextIO, level: int = logging.INFO) -> None:
    """Write every record at `level` and above to `stream` as JSON lines; safe to call again."""
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:
            root.removeHandler(old)
            old.close()

    handler = logging.StreamHandler(stream)
    handler.set_name(_HANDLER_NAME)
    handler.setLevel(level)
    handler.addFilter(_stamp_request_id)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
