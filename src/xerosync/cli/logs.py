"""Logging for the commands: every line through `redact` (tokens, secrets, credentials), and
access-log lines without query strings (`/callback?code=...` carries a secret)."""

from __future__ import annotations

import logging
from pathlib import Path

import structlog
from structlog.typing import EventDict, Processor

from xerosync.redaction import redact, redact_data

__all__ = ["formatter", "setup_logging"]


class _Redacting(logging.Filter):
    """Every line through `redact` (tokens, secrets, credentials) before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class _NoQueryStrings(logging.Filter):
    """Access-log lines without query strings: `/callback?code=...` carries a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = str(args[2]).split("?", 1)[0]
            record.args = tuple(args)
        return True


def _redacted(_logger: object, _name: str, event: EventDict) -> EventDict:
    """Every value of a structured line through `redact_data` (secret-named keys blanked, known
    secrets and token shapes removed), the traceback included."""
    cleaned: EventDict = redact_data(dict(event))
    return cleaned


def formatter(fmt: str = "text") -> logging.Formatter:
    """Lines as `key=value` text or as JSON objects (one per line, for a log shipper), built by
    structlog from the standard library's records: the `extra=` fields become keys."""
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.processors.KeyValueRenderer(
            key_order=["timestamp", "level", "logger", "event"], drop_missing=True
        )
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redacted,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )


def setup_logging(
    *, to: Path | None = None, level: int | str = logging.INFO, fmt: str = "text"
) -> logging.Handler | None:
    """Log redacted, structured lines to the file `to`, or to stderr unless logging is already
    set up (by a program embedding xerosync, or pytest); uvicorn's loggers pass theirs on to the
    same place. Returns the handler added, for the caller to remove when it is done with it."""
    root = logging.getLogger()
    handler: logging.Handler | None = None
    if to is not None:
        handler = logging.FileHandler(to)
    elif not root.handlers:
        handler = logging.StreamHandler()
    if handler is not None:
        handler.setFormatter(formatter(fmt))
        root.addHandler(handler)
    for each in root.handlers:
        if not any(isinstance(f, _Redacting) for f in each.filters):
            each.addFilter(_Redacting())
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _NoQueryStrings) for f in access.filters):
        access.addFilter(_NoQueryStrings())
    return handler
