"""`/TaxRates`: not paged and without If-Modified-Since; read in full."""

from __future__ import annotations

from xerosync.xero.models.settings import TaxRate
from xerosync.xero.resources.base import Listable

__all__ = ["TaxRates"]


class TaxRates(Listable[TaxRate]):
    path = "TaxRates"
    envelope = "TaxRates"
    model = TaxRate
    id_field = "TaxType"
    paging = "none"
