"""Per-record parse failures and unreadable bodies come out as the client's own errors."""

from __future__ import annotations

import httpx
import pytest

from xerosync.errors import UnreadableRecord, UnreadableResponse
from xerosync.xero.resources import Resources

GOOD = {"ContactID": "11111111-1111-1111-1111-111111111111", "Name": "Good"}
BAD = {
    "ContactID": "22222222-2222-2222-2222-222222222222",
    "Name": "Bad",
    "UpdatedDateUTC": "yesterday",
}


class Requester:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def request(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        return httpx.Response(
            200, content=self.body, request=httpx.Request(method, f"https://x/{path}")
        )


def page(*records: dict[str, object]) -> bytes:
    import json

    return json.dumps({"Contacts": list(records)}).encode()


def test_a_record_that_cannot_be_read_is_reported_and_the_rest_of_the_page_read() -> None:
    contacts = Resources.over(Requester(page(GOOD, BAD, GOOD))).contacts  # type: ignore[arg-type]
    failures: list[UnreadableRecord] = []

    read = list(contacts.list(tenant="t", on_unreadable=failures.append))

    assert [c.name for c in read] == ["Good", "Good"]
    [failure] = failures
    assert failure.record_id == BAD["ContactID"]
    assert failure.raw == BAD
    assert "UpdatedDateUTC" in failure.reason


def test_without_a_handler_an_unreadable_record_raises_the_clients_error() -> None:
    contacts = Resources.over(Requester(page(BAD))).contacts  # type: ignore[arg-type]
    with pytest.raises(UnreadableRecord, match="could not be read"):
        list(contacts.list(tenant="t"))


def test_a_200_whose_body_is_not_json_is_a_retryable_client_error() -> None:
    contacts = Resources.over(Requester(b'{"Contacts": [{"Name": "cut sh')).contacts  # type: ignore[arg-type]
    with pytest.raises(UnreadableResponse) as caught:
        list(contacts.list(tenant="t"))
    assert caught.value.http_status == 200
