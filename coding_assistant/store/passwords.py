"""Password hashing with scrypt (standard library): random salt, parameters stored with the hash."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

# n=2**14, r=8, p=1: the interactive-login parameters recommended with scrypt (about 16 MiB, tens of ms).
# They are written into each hash, so raising them later leaves existing hashes verifiable.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 64
# The policy: long rather than complicated (a phrase is easier to remember than symbols and as hard to guess);
# spaces at either end do not count, so that "a" followed by eleven spaces is not twelve characters.
MIN_PASSWORD_LENGTH = 12
# Far above any real password; only keeps a pasted document from being hashed.
MAX_PASSWORD_LENGTH = 1024
_SCHEME = "scrypt"


def password_problem(password: str, username: str) -> str | None:
    """Why the policy refuses `password` for `username` ("blank", "too_short", "too_long", "username"), or None.

    A code rather than a message: the command line words it in English, the review UI in French.
    """
    meaningful = password.strip()
    if not meaningful:
        return "blank"
    if len(meaningful) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "too_long"
    if meaningful.casefold() == username.strip().casefold():
        return "username"
    return None


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return "$".join([_SCHEME, str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(key)])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(key)
        actual = _derive(password, base64.b64decode(salt), int(n), int(r), int(p), len(expected))
    except (ValueError, TypeError):
        return False
    # Constant-time comparison: the time taken must not reveal how many leading bytes matched.
    return hmac.compare_digest(actual, expected)


@functools.cache
def dummy_hash() -> str:
    """Checked against when the username is unknown, so that a login takes as long whether or not it exists."""
    return hash_password(secrets.token_urlsafe(16))


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=64 * 1024 * 1024)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")
