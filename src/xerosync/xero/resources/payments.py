"""`/Payments`: paged with pageSize; created in batches with PUT; deleted (there is no update) by
POSTing `Status: DELETED` to the payment."""

from __future__ import annotations

from xerosync.xero.models.invoices import Payment
from xerosync.xero.resources.base import Creatable, Listable, read_json

__all__ = ["Payments"]


class Payments(Listable[Payment], Creatable[Payment]):
    path = "Payments"
    envelope = "Payments"
    model = Payment
    id_field = "PaymentID"

    def delete(
        self, payment_id: str, *, tenant: str, idempotency_key: str | None = None
    ) -> Payment:
        """Delete (reverse) a payment; Xero answers with the payment, now `DELETED`."""
        response = self._requester.request(
            "POST",
            f"{self.path}/{payment_id}",
            tenant=tenant,
            json={"Payments": [{"Status": "DELETED"}]},
            idempotency_key=idempotency_key,
        )
        return self._read(read_json(response))[0]
