"""Logging for the commands: every line through `redact` (tokens, secrets, credentials), and
access-log lines without query strings (`/callback?code=...` carries a secret)."""

from __future__ import annotations

import logging
from pathlib import Path

from xerosync.redaction import redact

__all__ = ["setup_logging"]


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


def setup_logging(*, to: Path | None = None, level: int = logging.INFO) -> logging.Handler | None:
    """Log redacted lines to the file `to`, or to stderr unless logging is already set up (by a
    program embedding xerosync, or pytest); uvicorn's loggers pass theirs on to the same place.
    Returns the handler added, for the caller to remove when it is done with it."""
    root = logging.getLogger()
    handler: logging.Handler | None = None
    if to is not None:
        handler = logging.FileHandler(to)
    elif not root.handlers:
        handler = logging.StreamHandler()
    if handler is not None:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
    for each in root.handlers:
        if not any(isinstance(f, _Redacting) for f in each.filters):
            each.addFilter(_Redacting())
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _NoQueryStrings) for f in access.filters):
        access.addFilter(_NoQueryStrings())
    return handler
