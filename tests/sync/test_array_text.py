"""A list of keys reaches PostgreSQL as the text of one array (`store.db.ArrayText`), written by
us, not by the driver: every value must come back exactly as it went."""

from __future__ import annotations

import pytest
from sqlalchemy import BigInteger, String, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql

from xerosync.store.db import ArrayText, Database

AWKWARD = [
    "plain",
    "",
    'with "quotes"',
    "back\\slash and \\\\ two",
    "comma, brace { } and NULL",
    "NULL",
    "  spaced  ",
    "üñíçødé ✓",
    'end\\"',
]


def test_any_text_key_comes_back_exactly(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the array text is PostgreSQL's")
    db = Database(db_url)
    keys = cast(bindparam("keys", type_=ArrayText()), postgresql.ARRAY(String(255)))
    ids = cast(bindparam("ids", type_=ArrayText()), postgresql.ARRAY(BigInteger()))
    try:
        with db.engine.connect() as c:
            back = c.execute(select(func.unnest(keys)), {"keys": AWKWARD}).scalars().all()
            numbers = c.execute(select(func.unnest(ids)), {"ids": [1, -7, 2**62]}).scalars().all()
            empty = c.execute(select(func.cardinality(keys)), {"keys": []}).scalar_one()
            with_none = c.execute(select(func.unnest(keys)), {"keys": ["a", None]}).scalars().all()
    finally:
        db.dispose()
    assert back == AWKWARD
    assert numbers == [1, -7, 2**62]
    assert empty == 0
    assert with_none == ["a", None]
