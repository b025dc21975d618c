"""Secrets out of every text an error or a log line carries: by value, then by shape.

Patterns alone miss a token that is unlabelled, quoted oddly or cut short, so the client also
registers the secret values it holds (`remember_secrets`: access and refresh tokens, the
client secret, authorization codes, PKCE verifiers) and `redact` replaces those wherever they
appear, as sent or as a server may echo them (URL-encoded, JSON-escaped). Then by shape: JWTs
(whole or cut), `name: value` / `name=value` pairs whose name is a secret's (in any quoting,
escaped JSON inside a string, snake or camel case), and `Bearer`/`Basic` credentials.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

__all__ = ["REDACTED", "forget_secrets", "redact", "redact_data", "remember_secrets"]

REDACTED = "[redacted]"
_MIN_SECRET = 8  # shorter values would blank out ordinary words
_MAX_KNOWN = 1024

# Case-insensitive names (camelCase and PascalCase spellings included); "code" only in lower
# case, so the "Code" of an account stays readable.
_NAMES = (
    r"(?i:(?:access|refresh|id)[_-]?token|client[_-]?secret|code[_-]?verifier"
    r"|authorization[_-]?code|password|secret|assertion|token)|code"
)
_QUOTE = r"""(?:\\*["'])"""
_PAIR = re.compile(
    rf"(?<![A-Za-z0-9])(?P<lead>(?P<q>{_QUOTE}?)(?:{_NAMES})(?P=q)\s*[:=]\s*{_QUOTE}?)"
    r"""[^"'\\\s&,;}\])]+"""
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){0,2}")
_CREDENTIAL = re.compile(r"(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)

_known: OrderedDict[str, None] = OrderedDict()
_guard = threading.Lock()


def remember_secrets(*values: str | None) -> None:
    """Register secret values to blank out of every later `redact` (the newest 1,024 kept)."""
    with _guard:
        for value in values:
            if not value or len(value) < _MIN_SECRET:
                continue
            for form in _forms(value):
                _known[form] = None
                _known.move_to_end(form)
        while len(_known) > _MAX_KNOWN:
            _known.popitem(last=False)


def forget_secrets() -> None:
    """Drop every registered value (tests)."""
    with _guard:
        _known.clear()


def _forms(value: str) -> Iterable[str]:
    return {value, quote(value, safe=""), json.dumps(value)[1:-1]}


def redact(text: str) -> str:
    """`text` with known secret values, JWTs, secret-named fields and credentials blanked."""
    with _guard:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, REDACTED)
    text = _JWT.sub(REDACTED, text)
    text = _PAIR.sub(lambda m: m.group("lead") + REDACTED, text)
    return _CREDENTIAL.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def redact_data(value: Any) -> Any:
    """A copy of JSON-like `value` with every string redacted and secret-named fields blanked."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if _is_secret_name(str(key)) else redact_data(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact_data(item) for item in value]
    return value


def _is_secret_name(name: str) -> bool:
    return re.fullmatch(_NAMES, name) is not None
