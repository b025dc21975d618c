"""How mapping code learns the Xero id of an app record it names, and back."""

from __future__ import annotations

from typing import Protocol

__all__ = ["MissingReference", "Refs", "unknown_xero"]


class MissingReference(LookupError):
    """A record names another that is not in Xero yet (or that xerosync was never given)."""

    def __init__(self, entity: str, app_id: str) -> None:
        super().__init__(f"{entity[:-1].replace('_', ' ')} {app_id} is not in Xero yet")
        self.entity = entity
        self.app_id = app_id


class Refs(Protocol):
    def xero_id(self, entity: str, app_id: str) -> str | None: ...

    def app_id(self, entity: str, xero_id: str) -> str | None: ...


def unknown_xero(xero_id: str | None) -> str | None:
    """How a Xero record the app does not know is named in app terms."""
    return f"xero:{xero_id}" if xero_id else None


def need(refs: Refs, entity: str, app_id: str) -> str:
    xero_id = refs.xero_id(entity, app_id)
    if xero_id is None:
        raise MissingReference(entity, app_id)
    return xero_id
