"""`/Organisation`: the connected organisation's profile (one record)."""

from __future__ import annotations

from xerosync.xero.models.settings import Organisation
from xerosync.xero.resources.base import Resource

__all__ = ["OrganisationResource"]


class OrganisationResource(Resource[Organisation]):
    path = "Organisation"
    envelope = "Organisations"
    model = Organisation

    def get(self, *, tenant: str) -> Organisation:
        records = self._read(self._get(self.path, tenant=tenant))
        if not records:
            raise LookupError("Xero returned no organisation for this tenant")
        return records[0]
