"""`xerosync.sync` exports a sorted, importable API and stays pure: nothing it imports does I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import xerosync.sync

ALLOWED = {
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "hashlib",
    "pydantic",
    "json",
    "math",
    "orjson",
    "typing",
    "uuid",
    "__future__",
    "xerosync",
}


def test_sync_all_is_sorted_and_importable() -> None:
    names = xerosync.sync.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(xerosync.sync, name) is not None, name


def test_sync_imports_no_database_http_or_store() -> None:
    for path in Path(xerosync.sync.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
                if node.module and node.module.startswith("xerosync."):
                    # Xero's shapes, and its batch and page sizes (pure constants of the client)
                    pure = ("xerosync.sync", "xerosync.xero.models", "xerosync.xero.batching")
                    assert node.module.startswith((*pure, "xerosync.xero.paging")), (
                        path.name,
                        node.module,
                    )
            else:
                continue
            assert roots <= ALLOWED, (path.name, roots - ALLOWED)
