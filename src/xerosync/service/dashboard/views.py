"""The dashboard's pages: Jinja2 templates (autoescape on: every value from the store, Xero or
the person is escaped) and the filters they use. Charts arrive as SVG built and escaped by
`charts.py`, and are the only markup passed through unescaped."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from xerosync.service.dashboard import charts

__all__ = ["ago", "duration", "render", "show", "status", "svg"]


def duration(span: timedelta | None) -> str:
    """A short human span: "just now", "45 s", "12 min", "3 h 5 min", "2 days"."""
    if span is None:
        return "—"
    seconds = int(span.total_seconds())
    if seconds < 1:
        return "just now"
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h {minutes % 60} min" if minutes % 60 else f"{hours} h"
    return f"{hours // 24} days"


def ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    span = now - when
    return "just now" if span < timedelta(seconds=1) else f"{duration(span)} ago"


def show(value: Any) -> str:
    """A field's value as a person reads it (absent: an em dash; structures: compact JSON)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


STATUS = {
    "connected": "connected",
    "needs_reauth": "needs reconnecting",
    "disconnected": "disconnected",
}


def status(value: str) -> str:
    """A connection's status as a person reads it."""
    return STATUS.get(value, value.replace("_", " "))


def svg(markup: str) -> Markup:
    """A chart from `charts.py` (which escapes its own text) marked safe for the page."""
    return Markup(markup)  # noqa: S704 - built by charts.py, every text in it escaped there


_env = Environment(
    loader=PackageLoader("xerosync.service.dashboard", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(money=charts.money, duration=duration, show=show, status=status)
_env.globals.update(ago=ago)


def render(template: str, **context: Any) -> str:
    return _env.get_template(template).render(**context)
