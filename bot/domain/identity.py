"""Identity challenge: normalise what the debtor types, hash it, compare in constant time.

Answers are stored as salted scrypt hashes: a postcode has few possible values, so the hash
only slows an attacker who stole the database; the link secret and the attempt lock matter more.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from datetime import date

import dateparser

CHALLENGE_KINDS = ("postcode", "birth_date")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def normalise_answer(kind: str, answer: str) -> str | None:
    """Canonical form of an answer, or None when it cannot be one (e.g. no date in it)."""
    if kind == "postcode":
        decomposed = unicodedata.normalize("NFKD", answer.upper())
        canon = "".join(c for c in decomposed if c.isalnum())
        return canon or None
    if kind == "birth_date":
        parsed = parse_birth_date(answer)
        return parsed.isoformat() if parsed else None
    raise ValueError(f"unknown identity challenge kind {kind!r}")


def parse_birth_date(answer: str) -> date | None:
    """A past date written by a person: '12/04/1981', '1981-04-12', '12 avril 1981'."""
    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month", "year"],
    }
    value = dateparser.parse(answer.strip(), languages=["fr", "en"], settings=settings)
    return value.date() if value else None


def hash_answer(kind: str, answer: str) -> str:
    canon = normalise_answer(kind, answer)
    if canon is None:
        raise ValueError(f"not a valid {kind}: cannot store this identity answer")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(canon.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_answer(kind: str, answer: str, stored: str) -> bool:
    canon = normalise_answer(kind, answer)
    if canon is None:
        return False
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(canon.encode(), salt=base64.b64decode(salt_b64), **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))
