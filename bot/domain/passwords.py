"""Console passwords: argon2id hashes (argon2-cffi's defaults), never stored in clear."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_LENGTH = 12

# Verifying against this when the e-mail is unknown keeps both answers equally slow.
_DUMMY = _hasher.hash("not-a-real-password-000")


class WeakPassword(ValueError):
    """The password is too short to protect debtors' data."""


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a console password needs at least {MIN_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
