"""The session cookie: sealed (encrypted and authenticated) with the token keys, saying who and
which connections until when, and nothing a reader or a forger could use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from xerosync.service.dashboard.session import LIFETIME, Person, seal, unseal
from xerosync.store.crypto import TokenCipher, new_key

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_a_sealed_session_says_who_and_what_they_may_see_until_it_expires() -> None:
    cipher = TokenCipher([new_key()])
    person = Person(who="shop", key_id="k1", connections=frozenset({"c1", "c2"}))
    value = seal(cipher, person, now=NOW)

    assert unseal(cipher, value, now=NOW + LIFETIME - timedelta(seconds=1)) == person
    assert unseal(cipher, value, now=NOW + LIFETIME) is None
    assert "shop" not in value  # encrypted, not merely signed


def test_a_session_from_other_keys_or_altered_is_refused() -> None:
    cipher = TokenCipher([new_key()])
    value = seal(cipher, Person(who="operator"), now=NOW)
    assert unseal(TokenCipher([new_key()]), value, now=NOW) is None
    altered = value[:40] + ("A" if value[40] != "A" else "B") + value[41:]
    assert unseal(cipher, altered, now=NOW) is None
    assert unseal(cipher, "not a cookie", now=NOW) is None


def test_a_session_survives_a_key_rotation() -> None:
    old, new = new_key(), new_key()
    value = seal(TokenCipher([old]), Person(who="operator"), now=NOW)
    assert unseal(TokenCipher([new, old]), value, now=NOW) == Person(who="operator")


def test_operators_see_every_connection_and_scoped_keys_only_theirs() -> None:
    assert Person(who="operator").may_see("anything")
    scoped = Person(who="shop", key_id="k1", connections=frozenset({"c1"}))
    assert scoped.may_see("c1")
    assert not scoped.may_see("c2")
    assert not scoped.operator
