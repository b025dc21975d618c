"""`/Accounts`: the chart of accounts; not paged. Xero creates accounts one per request (a list
sent to it has only its first record processed), so `create` takes one account."""

from __future__ import annotations

from xerosync.xero.models.settings import Account
from xerosync.xero.resources.base import Listable, read_json

__all__ = ["Accounts"]


class Accounts(Listable[Account]):
    path = "Accounts"
    envelope = "Accounts"
    model = Account
    id_field = "AccountID"
    paging = "none"

    def create(
        self, account: Account, *, tenant: str, idempotency_key: str | None = None
    ) -> Account:
        """PUT one account; a validation failure raises `RecordRejected`."""
        response = self._requester.request(
            "PUT",
            self.path,
            tenant=tenant,
            json=account.to_payload(),
            idempotency_key=idempotency_key,
        )
        return self._read(read_json(response))[0]
