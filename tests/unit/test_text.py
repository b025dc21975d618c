"""Text the store cannot keep is named at the door, with where it is."""

from __future__ import annotations

from xerosync.sync.text import unstorable


def test_nul_and_lone_surrogates_are_named_with_where_they_are() -> None:
    record = {"id": "c-1", "lines": [{"description": "ok"}, {"description": "bad\x00"}]}
    assert unstorable(record) == "`lines[1].description` contains a NUL character"
    assert unstorable({"name": "half \ud800"}, "body") == (
        "`body.name` contains a lone surrogate (not Unicode text)"
    )
    assert unstorable({"a\x00": 1}) == "`a\\0` contains a NUL character"  # keys too


def test_ordinary_text_passes() -> None:
    assert unstorable({"name": "Māori café 🙂", "n": [1, 2.5, None, True]}) is None
    assert unstorable("plain") is None
