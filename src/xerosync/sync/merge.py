"""Three-way merge of one record: the last synced snapshot (base) against the app and Xero now.

Fields are the record's top-level keys, compared whole after `normalise`. A field one side changed
takes that side's value; a field both changed to different values is settled by the `RuleBook`, or
waits for a person under MANUAL while every other field still merges. An absent or None value is
a value (a deletion), so a field one side cleared is cleared, never silently refilled.

In `to_xero`/`to_app` (and in a resolve edit) None means "clear this field"; `merged` simply
omits cleared fields. Values are passed through as given (a Decimal stays a Decimal), so a push
sends the type the mapping layer produced; comparisons are always on normalised values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from xerosync.sync.rules import Rule, RuleBook, Side, winner
from xerosync.sync.snapshot import normalise

__all__ = ["Choice", "FieldConflict", "MergeResult", "merge", "resolve"]

Choice = Side | tuple[Literal["edit"], Any]


@dataclass(frozen=True)
class FieldConflict:
    """A field both sides changed to different values since the base."""

    field: str
    base: Any  # value in the last synced snapshot; None when absent
    app: Any  # None when the app deleted it
    xero: Any  # None when Xero deleted it
    rule: Rule
    winner: Side | None  # None: waiting for a person


@dataclass(frozen=True)
class MergeResult:
    merged: dict[str, Any]  # the agreed record; a pending field keeps Xero's value for now
    to_xero: dict[str, Any]  # what a push must send (None: clear the field)
    to_app: dict[str, Any]  # what the app must learn (None: clear the field)
    decided: tuple[FieldConflict, ...] = field(default=())  # settled by a rule
    pending: tuple[FieldConflict, ...] = field(default=())  # MANUAL: waiting for a person

    @property
    def in_step(self) -> bool:
        """Nothing to send either way and nobody to ask."""
        return not (self.to_xero or self.to_app or self.pending)


def _canon(value: Any) -> Any:
    return normalise({"v": value}).get("v")


def _present(record: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if value is not None}


def merge(
    base: Mapping[str, Any] | None,
    app: Mapping[str, Any],
    xero: Mapping[str, Any],
    *,
    entity: str,
    rules: RuleBook,
    origin: Side,
    app_changed_at: datetime | None = None,
    xero_changed_at: datetime | None = None,
) -> MergeResult:
    """Merge one record. `base=None` (never synced): every field where app and Xero differ is a
    change on both sides, settled by the rules."""
    raw_app, raw_xero, raw_base = _present(app), _present(xero), _present(base or {})
    n_app, n_xero = normalise(raw_app), normalise(raw_xero)
    n_base = normalise(raw_base) if base is not None else None
    merged: dict[str, Any] = {}
    decided: list[FieldConflict] = []
    pending: list[FieldConflict] = []
    for name in sorted(raw_app.keys() | raw_xero.keys() | raw_base.keys()):
        a, x = n_app.get(name), n_xero.get(name)
        if n_base is None:
            app_changed = xero_changed = a != x
        else:
            b = n_base.get(name)
            app_changed, xero_changed = a != b, x != b
        if app_changed and xero_changed and a != x:
            rule = rules.rule_for(entity, name)
            side = winner(
                rule,
                origin=origin,
                app_changed_at=app_changed_at,
                xero_changed_at=xero_changed_at,
            )
            conflict = FieldConflict(
                name, raw_base.get(name), raw_app.get(name), raw_xero.get(name), rule, side
            )
            (pending if side is None else decided).append(conflict)
            source = raw_app if side is Side.APP else raw_xero
        else:
            source = raw_app if app_changed and not xero_changed else raw_xero
        if name in source:
            merged[name] = source[name]
    waiting = {conflict.field for conflict in pending}
    return MergeResult(
        merged=merged,
        to_xero=_differences(merged, n_xero, waiting),
        to_app=_differences(merged, n_app, waiting),
        decided=tuple(decided),
        pending=tuple(pending),
    )


def _differences(
    merged: Mapping[str, Any], side: Mapping[str, Any], skip: set[str]
) -> dict[str, Any]:
    """Fields whose merged value the side does not have yet (None: the side must clear it)."""
    return {
        name: merged.get(name)
        for name in sorted(merged.keys() | side.keys())
        if name not in skip and _canon(merged.get(name)) != side.get(name)
    }


def resolve(result: MergeResult, choices: Mapping[str, Choice]) -> MergeResult:
    """Settle pending fields: keep app / keep xero / an edited value; returns a result with no
    pending for those fields and to_xero/to_app updated.

    A choice of a side moves the conflict to `decided` with that winner; an edited value is
    nobody's side, so it leaves `pending` without joining `decided`. Choosing for a field that is
    not pending raises ValueError, so a typo or a stale dashboard never overwrites a settled field."""
    waiting = {conflict.field: conflict for conflict in result.pending}
    unknown = sorted(set(choices) - set(waiting))
    if unknown:
        raise ValueError(
            f"no pending conflict for field(s) {', '.join(map(repr, unknown))}; "
            f"pending: {', '.join(map(repr, sorted(waiting))) or 'none'}"
        )
    merged, to_xero, to_app = dict(result.merged), dict(result.to_xero), dict(result.to_app)
    decided = list(result.decided)
    for name, choice in choices.items():
        conflict = waiting.pop(name)
        value, side = _chosen(conflict, choice)
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
        if side is not None:
            decided.append(replace(conflict, winner=side))
        canon = _canon(value)
        if canon != _canon(conflict.xero):
            to_xero[name] = value
        if canon != _canon(conflict.app):
            to_app[name] = value
    return MergeResult(
        merged=merged,
        to_xero=to_xero,
        to_app=to_app,
        decided=tuple(decided),
        pending=tuple(c for c in result.pending if c.field in waiting),
    )


def _chosen(conflict: FieldConflict, choice: Choice) -> tuple[Any, Side | None]:
    if isinstance(choice, tuple) and len(choice) == 2 and choice[0] == "edit":
        return choice[1], None
    if choice in (Side.APP, Side.XERO):
        side = Side(choice)
        return (conflict.app if side is Side.APP else conflict.xero), side
    raise ValueError(
        f"cannot settle {conflict.field!r} with {choice!r}; "
        "choose Side.APP, Side.XERO or ('edit', value)"
    )
