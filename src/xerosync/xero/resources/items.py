"""`/Items`: not paged (one call returns them all); PUT/POST in batches."""

from __future__ import annotations

from xerosync.xero.models.settings import Item
from xerosync.xero.resources.base import Creatable, Listable, Upsertable

__all__ = ["Items"]


class Items(Listable[Item], Creatable[Item], Upsertable[Item]):
    path = "Items"
    envelope = "Items"
    model = Item
    id_field = "ItemID"
    paging = "none"
