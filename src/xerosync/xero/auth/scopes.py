"""Which OAuth scopes a sync needs: a pure function of the entities it touches.

Xero has two vocabularies (docs/xero-behaviour.md, "Scopes"): the broad scopes of the 16.1.0 spec
(`accounting.transactions`, `accounting.reports.read`) and the granular scopes apps created
after 2 March 2026 must use (`accounting.invoices`, `accounting.reports.balancesheet.read`, ...).
A read needs the scope or its `.read` twin; a write needs the scope itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

Vocabulary = Literal["broad", "granular"]
Access = Literal["read", "write"]

_BROAD = {
    "contacts": "accounting.contacts",
    "invoices": "accounting.transactions",
    "credit_notes": "accounting.transactions",
    "payments": "accounting.transactions",
    "bank_transactions": "accounting.transactions",
    "manual_journals": "accounting.transactions",
    "accounts": "accounting.settings",
    "tax_rates": "accounting.settings",
    "items": "accounting.settings",
    "organisation": "accounting.settings",
    "tracking_categories": "accounting.settings",
    "journals": "accounting.journals.read",
    "attachments": "accounting.attachments",
}
_GRANULAR = {
    **_BROAD,
    "invoices": "accounting.invoices",
    "credit_notes": "accounting.invoices",
    "items": "accounting.invoices",
    "payments": "accounting.payments",
    "bank_transactions": "accounting.banktransactions",
    "manual_journals": "accounting.manualjournals",
}
_GRANULAR_REPORTS = tuple(
    f"accounting.reports.{name}.read"
    for name in (
        "aged",
        "balancesheet",
        "banksummary",
        "budgetsummary",
        "executivesummary",
        "profitandloss",
        "trialbalance",
    )
)
ENTITIES = frozenset({*_BROAD, "reports"})


def scopes_for(
    needs: Mapping[str, Access] | Iterable[str],
    *,
    write: bool = False,
    vocabulary: Vocabulary = "broad",
    offline: bool = True,
    openid: bool = False,
) -> frozenset[str]:
    """The smallest scope set for a sync touching these entities.

    `needs` maps entity -> "read" | "write", or lists entities that all get `write` access.
    `offline` adds `offline_access` (needed for a refresh token); `openid` adds the
    identity scopes. Unknown entities raise `ValueError` rather than silently asking for less.
    """
    wanted: dict[str, Access] = (
        dict(needs)
        if isinstance(needs, Mapping)
        else dict.fromkeys(needs, "write" if write else "read")
    )
    unknown = sorted(set(wanted) - ENTITIES)
    if unknown:
        raise ValueError(f"unknown entities {unknown}; known: {sorted(ENTITIES)}")
    table = _GRANULAR if vocabulary == "granular" else _BROAD
    scopes: set[str] = set()
    for entity, access in wanted.items():
        if entity == "reports":
            scopes.update(
                _GRANULAR_REPORTS if vocabulary == "granular" else ("accounting.reports.read",)
            )
            continue
        scope = table[entity]
        scopes.add(scope if access == "write" or scope.endswith(".read") else f"{scope}.read")
    # a write scope also grants reading: drop `.read` twins that are already covered
    scopes = {s for s in scopes if not (s.endswith(".read") and s[: -len(".read")] in scopes)}
    if offline:
        scopes.add("offline_access")
    if openid:
        scopes.update(("openid", "profile", "email"))
    return frozenset(scopes)
