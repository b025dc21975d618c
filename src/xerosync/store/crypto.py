"""Token pairs encrypted at rest with `cryptography`'s MultiFernet.

Several keys so one can be rotated without downtime: the first key encrypts, every key decrypts.
To rotate, put a new key first, run `TokenCipher.rotate` over stored values (or let each save
re-encrypt), then drop the old key.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from xerosync.errors import ConfigError

__all__ = ["TokenCipher", "new_key"]


def new_key() -> str:
    """A fresh key for `XEROSYNC_TOKEN_KEYS` (url-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode()


class TokenCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ConfigError(
                "no token encryption key: set XEROSYNC_TOKEN_KEYS to one or more keys "
                "(make one with `python -c 'from xerosync.store.crypto import new_key; print(new_key())'`)"
            )
        try:
            self._fernet = MultiFernet(
                [Fernet(k.encode() if isinstance(k, str) else k) for k in keys]
            )
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                "a token encryption key is not a valid Fernet key (32 url-safe base64-encoded "
                "bytes); make one with xerosync.store.crypto.new_key()"
            ) from exc

    def encrypt(self, plaintext: bytes) -> bytes:
        return self._fernet.encrypt(plaintext)

    def decrypt(self, ciphertext: bytes) -> bytes:
        try:
            return self._fernet.decrypt(ciphertext)
        except InvalidToken as exc:
            raise ConfigError(
                "stored tokens cannot be decrypted with the configured keys: keep the key they "
                "were written with in XEROSYNC_TOKEN_KEYS (after the new one) until rotation ends"
            ) from exc

    def rotate(self, ciphertext: bytes) -> bytes:
        """The same plaintext, encrypted again under the first key."""
        return self._fernet.rotate(ciphertext)
