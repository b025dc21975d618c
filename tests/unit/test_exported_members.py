"""The public API is what `xerosync.__all__` says: sorted, and every name importable."""

from __future__ import annotations

import xerosync


def test_all_is_sorted_and_importable() -> None:
    names = [n for n in xerosync.__all__ if n != "__version__"]
    assert names == sorted(names)
    for name in xerosync.__all__:
        assert getattr(xerosync, name) is not None, name


def test_public_classes_say_they_belong_to_xerosync() -> None:
    for name in xerosync.__all__:
        member = getattr(xerosync, name)
        module = getattr(member, "__module__", "xerosync")
        assert module.startswith("xerosync"), f"{name} comes from {module}"
