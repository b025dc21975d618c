"""The repository stands alone: nothing in it reads or cites files outside it, and the copy of
Xero's specification it tests against is there with its licence and version."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC_DIR = ROOT / "tests" / "support" / "xero-openapi"
CHECKED = [
    "src",
    "tests",
    "docs",
    "bench",
    "examples",
    "scripts",
    ".ci",
    "README.md",
    "pyproject.toml",
]
SKIPPED_DIRS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}
# Built from pieces so that this file does not match itself.
OUTSIDE = re.compile(
    "|".join([r"\.\./" + "sha" + "red", "sha" + "red/xero", "xero-api-" + "facts"])
)


def _files() -> list[Path]:
    found: list[Path] = []
    for name in CHECKED:
        top = ROOT / name
        if top.is_file():
            found.append(top)
            continue
        for path in top.rglob("*"):
            if path.is_file() and not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
                found.append(path)
    return found


def test_no_file_reads_or_cites_anything_beside_the_repository() -> None:
    offenders = []
    for path in _files():
        if path.suffix in {".yaml", ".pyc"} and path.is_relative_to(SPEC_DIR):
            continue  # Xero's own files, vendored unchanged
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_vendored_specification_keeps_its_licence_and_version() -> None:
    version = (SPEC_DIR / "VERSION").read_text().strip()
    assert "MIT License" in (SPEC_DIR / "LICENSE").read_text()
    for name in ("xero_accounting.yaml", "xero-identity.yaml", "xero-webhooks.yaml"):
        with open(SPEC_DIR / name) as fh:
            head = "".join(fh.readline() for _ in range(12))
        found = re.search(r"^  version: (\S+)$", head, re.MULTILINE)
        assert found is not None, name
        assert found.group(1) == version, name
