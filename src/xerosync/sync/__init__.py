"""The engine's pure logic: conflict rules, the three-way merge and record snapshots.

No I/O here (no database, no HTTP): callers load the base snapshot and both sides, call `merge`,
then act on `to_xero`, `to_app` and `pending`.
"""

from xerosync.sync.merge import Choice, FieldConflict, MergeResult, merge, resolve
from xerosync.sync.rules import Rule, RuleBook, Side, winner
from xerosync.sync.snapshot import changed_fields, normalise, snapshot_hash, xero_digest

__all__ = [
    "Choice",
    "FieldConflict",
    "MergeResult",
    "Rule",
    "RuleBook",
    "Side",
    "changed_fields",
    "merge",
    "normalise",
    "resolve",
    "snapshot_hash",
    "winner",
    "xero_digest",
]
