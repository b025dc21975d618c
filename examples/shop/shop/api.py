"""xerosync's REST API as the shop calls it: hand records in with the shop's own ids (the same
record twice is harmless), and read what became of them."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["XerosyncApi"]

#: xerosync takes at most this many records per request
CHUNK = 1000


class XerosyncApi:
    def __init__(self, base_url: str, api_key: str, *, http: httpx.Client | None = None) -> None:
        self._http = http or httpx.Client(base_url=base_url, timeout=30)
        self._http.headers["Authorization"] = f"Bearer {api_key}"

    def close(self) -> None:
        self._http.close()

    def connections(self) -> list[dict[str, Any]]:
        return list(self._get("/v1/connections"))

    def submit(
        self, connection: str, entity: str, records: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Hand records of one kind in; xerosync answers per record (queued, unchanged...)."""
        answered: list[dict[str, Any]] = []
        for start in range(0, len(records), CHUNK):
            reply = self._http.post(
                f"/v1/connections/{connection}/{entity}", json=records[start : start + CHUNK]
            )
            if reply.status_code == 422:
                raise ValueError(f"xerosync refused some {entity}: {reply.json()['detail']}")
            reply.raise_for_status()
            answered.extend(reply.json())
        return answered

    def status(self, connection: str, entity: str, app_id: str) -> dict[str, Any]:
        return dict(self._get(f"/v1/connections/{connection}/{entity}/{app_id}"))

    def conflicts(self) -> list[dict[str, Any]]:
        return list(self._get("/v1/conflicts"))

    def dead_letters(self) -> list[dict[str, Any]]:
        return list(self._get("/v1/dead-letters"))

    def _get(self, path: str) -> Any:
        reply = self._http.get(path)
        reply.raise_for_status()
        return reply.json()
