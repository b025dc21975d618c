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


def setup_logging(*, to: Path | None = None, level: int = logging.INFO) -> None:
    """Log to stderr (or to the file `to`), redacted; uvicorn's access log without queries."""
    handler: logging.Handler = logging.FileHandler(to) if to else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(_Redacting())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").addFilter(_NoQueryStrings())
