"""The commands' logging: every line through `redact` (tokens, secrets, credentials) before a
handler writes it, whichever library logged it. `xerosync serve` and `xerosync worker` both set
up their logging here, so neither can print what the other would blank."""

from __future__ import annotations

import logging

from xerosync.redaction import redact

__all__ = ["Redacting", "setup_logging"]


class Redacting(logging.Filter):
    """Every line through `redact` before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str | int, fmt: str) -> None:
    """`logging.basicConfig(level, fmt)` with every root handler redacting."""
    logging.basicConfig(level=level, format=fmt)
    for handler in logging.getLogger().handlers:
        handler.addFilter(Redacting())
