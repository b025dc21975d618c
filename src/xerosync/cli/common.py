"""What the commands share: a `XeroSync` built from the environment (`Settings()` through
`build_sync`), the exit codes, and Rich output.

    0  done, nothing wrong
    1  the command ran and found a problem (failed records, drift, a budget too small)
    2  usage or configuration: a missing XEROSYNC_* setting, an unknown connection or id

Errors go to stderr as one line naming what was not found or not set and what to do; they are
the library's own messages (already free of tokens and secrets), never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import typer
from pydantic import ValidationError
from rich.console import Console

from xerosync.api import XeroSync
from xerosync.cli.logs import setup_logging
from xerosync.compose import build_sync
from xerosync.errors import ConfigError, NeedsReauth, XeroError
from xerosync.redaction import redact
from xerosync.settings import Settings

__all__ = ["OK", "PROBLEM", "USAGE", "fail", "opened", "out", "settings", "when"]

OK, PROBLEM, USAGE = 0, 1, 2


def out() -> Console:
    """Rich output on stdout (built per command, so it measures the terminal it runs in)."""
    return Console(highlight=False)


def fail(command: str, message: str, code: int = USAGE) -> typer.Exit:
    """Say what went wrong on stderr; `raise fail(...)` ends the command with `code`."""
    Console(stderr=True, highlight=False).print(
        f"[red]xerosync {command}:[/red] {redact(message)}", markup=True, soft_wrap=True
    )
    return typer.Exit(code)


def settings(command: str) -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"XEROSYNC_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors(include_input=False)
        )
        raise fail(command, f"the settings are not valid: {problems}") from exc


@contextmanager
def opened(command: str) -> Iterator[XeroSync]:
    """The configured `XeroSync`, closed afterwards, with the library's log lines redacted on
    stderr (warnings and worse by default). A missing setting, an unknown connection or id
    (LookupError) and a refused choice (ValueError) end the command with exit code 2; a grant
    Xero no longer honours, or another refusal from Xero, with 1."""
    configured = settings(command)
    # a person reads this terminal: warnings and worse, unless XEROSYNC_LOG_LEVEL says otherwise
    chosen = "XEROSYNC_LOG_LEVEL" in os.environ
    setup_logging(level=configured.log_level if chosen else "WARNING", fmt=configured.log_format)
    try:
        sync = build_sync(configured)
    except ConfigError as exc:
        raise fail(command, str(exc)) from exc
    try:
        yield sync
    except (LookupError, ValueError) as exc:
        raise fail(command, _message(exc)) from exc
    except NeedsReauth as exc:
        raise fail(
            command, f"{exc} (reconnect the organisation: `xerosync connect`)", PROBLEM
        ) from exc
    except XeroError as exc:
        raise fail(command, f"Xero: {exc}", PROBLEM) from exc
    finally:
        sync.close()


def _message(exc: Exception) -> str:
    # a KeyError's str() is the repr of its argument
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


def when(moment: datetime | None) -> str:
    """A time as people read it in a table: UTC, to the second; '-' for never."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"
