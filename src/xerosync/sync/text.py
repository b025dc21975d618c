"""Text no database here can keep: NUL characters (PostgreSQL refuses them in text and JSONB)
and lone UTF-16 surrogates (JSON can spell them, `\\ud800`, but UTF-8 cannot encode them).
Refused at the door, where the sender can be told which value it was, rather than failing
deep in a write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["unstorable"]


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not Unicode text)"
    return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _strings(item, where)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def unstorable(value: Any, path: str = "") -> str | None:
    """What is wrong with the first string in `value` (JSON-like data: keys included) that
    cannot be stored, with where it is: "`lines[0].description` contains a NUL character"."""
    for where, text in _strings(value, path):
        problem = _problem(text)
        if problem is not None:
            return f"`{_printable(where) or 'the value'}` {problem}"
    return None


def _printable(where: str) -> str:
    return where.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode()
