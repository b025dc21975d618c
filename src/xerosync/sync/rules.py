"""Conflict rules: which side's value stands when both changed the same field since the last sync.

Pure data and decisions, no I/O. A `RuleBook` is looked up per (entity, field), then per entity,
then its default, so an operator can say "contacts are manual, but Xero owns their e-mail".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = ["Rule", "RuleBook", "Side", "winner"]


class Rule(StrEnum):
    ORIGIN_WINS = "origin_wins"  # default: the system where the record was created wins
    APP_WINS = "app_wins"
    XERO_WINS = "xero_wins"
    LATEST_WINS = "latest_wins"  # the side whose change is newer (ties: Xero, it is the ledger)
    MANUAL = "manual"  # a person decides; recorded as a conflict


class Side(StrEnum):
    APP = "app"
    XERO = "xero"


_ALLOWED = ", ".join(sorted(rule.value for rule in Rule))
_SECTIONS = ("default", "entities", "fields")


def _rule(value: Any, where: str) -> Rule:
    try:
        return Rule(value)
    except ValueError:
        raise ValueError(
            f"unknown conflict rule {value!r} for {where}; allowed: {_ALLOWED}"
        ) from None


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"conflict rules: {where} must be a mapping, not {type(value).__name__}")
    return value


@dataclass(frozen=True)
class RuleBook:
    """Which rule decides a field both sides changed: per (entity, field) first, then per entity,
    then `default`."""

    default: Rule = Rule.ORIGIN_WINS
    entities: Mapping[str, Rule] = field(default_factory=dict)
    fields: Mapping[str, Mapping[str, Rule]] = field(default_factory=dict)

    def rule_for(self, entity: str, field: str) -> Rule:
        per_field = self.fields.get(entity, {})
        if field in per_field:
            return per_field[field]
        return self.entities.get(entity, self.default)

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> RuleBook:
        """Read settings such as {"default": "origin_wins", "entities": {"contacts": "manual"},
        "fields": {"contacts": {"EmailAddress": "xero_wins"}}}; every key is optional.

        A misspelt rule or section raises ValueError naming where it is and what is allowed,
        so a typo in configuration never silently falls back to the default rule."""
        data = _mapping(data, "the configuration")
        unknown = sorted(set(data) - set(_SECTIONS))
        if unknown:
            raise ValueError(
                f"conflict rules: unknown section(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {', '.join(_SECTIONS)}"
            )
        default = _rule(data.get("default", Rule.ORIGIN_WINS), "default")
        entities = {
            str(entity): _rule(value, str(entity))
            for entity, value in _mapping(data.get("entities", {}), "entities").items()
        }
        fields: dict[str, dict[str, Rule]] = {}
        for entity, per_field in _mapping(data.get("fields", {}), "fields").items():
            where = f"fields.{entity}"
            fields[str(entity)] = {
                str(name): _rule(value, f"{entity}.{name}")
                for name, value in _mapping(per_field, where).items()
            }
        return cls(default=default, entities=entities, fields=fields)


def _utc(moment: datetime) -> datetime:
    # Xero's UpdatedDateUTC is UTC; a naive time is read as UTC rather than failing to compare.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def winner(
    rule: Rule,
    *,
    origin: Side,
    app_changed_at: datetime | None,
    xero_changed_at: datetime | None,
) -> Side | None:
    """The side whose value stands, or None for MANUAL.

    LATEST_WINS gives the app the field only when it provably changed later: on a tie, or when
    either time is unknown, Xero wins because it is the ledger."""
    if rule is Rule.MANUAL:
        return None
    if rule is Rule.ORIGIN_WINS:
        return origin
    if rule is Rule.APP_WINS:
        return Side.APP
    if rule is Rule.XERO_WINS:
        return Side.XERO
    if app_changed_at is None or xero_changed_at is None:
        return Side.XERO
    return Side.APP if _utc(app_changed_at) > _utc(xero_changed_at) else Side.XERO
