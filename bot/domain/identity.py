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
from dateparser.search import search_dates

CHALLENGE_KINDS = ("postcode", "birth_date")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_BIRTH_DATE_SETTINGS: dict[str, object] = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
}
_YOUNGEST_DEBTOR_YEARS = 10
_POSTCODE_MAX = 10  # longest canonical postcode we expect (e.g. "SW1A1AA", "H2X1Y4", "D02X285")


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


def typed_answer(kind: str, message: str) -> str | None:
    """The one answer a debtor's message holds, canonical, or None when it holds none.

    "bonjour" or "why do you need that?" is not an attempt and must not use one of the three.
    Exactly one candidate per message, so a message listing several postcodes is one attempt
    (the whole text, which matches none), never several.
    """
    if kind == "birth_date":
        return _birth_date_in(message)
    if kind != "postcode":
        raise ValueError(f"unknown identity challenge kind {kind!r}")
    canon = normalise_answer(kind, message)
    if canon is None or not any(c.isdigit() for c in canon):
        return None  # every postcode scheme we serve has a digit; a greeting has none
    if len(canon) <= _POSTCODE_MAX:
        return canon  # "75011", "SW1A 1AA", "1012 AB"
    # A sentence around the postcode ("mon code postal c'est le 75011"): the digit-bearing
    # words, when they sit side by side ("H2X 1Y4"); otherwise the whole text, as typed.
    words = [w for w in (normalise_answer(kind, w) for w in message.split()) if w]
    with_digits = [i for i, w in enumerate(words) if any(c.isdigit() for c in w)]
    if len(with_digits) <= 2 and with_digits == list(range(with_digits[0], with_digits[-1] + 1)):
        return "".join(words[i] for i in with_digits)
    return canon


def _birth_date_in(message: str) -> str | None:
    """A birth date typed alone, or inside a sentence ("I was born on 12 April 1981")."""
    # Relative phrases ("a month", "yesterday") parse too: a birth date lies years back.
    oldest_possible = date.today().year - _YOUNGEST_DEBTOR_YEARS
    alone = parse_birth_date(message)
    if alone:
        return alone.isoformat() if alone.year <= oldest_possible else None
    hits = search_dates(message, languages=["fr", "en"], settings=_BIRTH_DATE_SETTINGS) or []
    found = sorted(
        {v.date() for s, v in hits if any(c.isdigit() for c in s) and v.year <= oldest_possible}
    )
    if not found:
        return None
    # Several dates in one message are one attempt that matches none, never several attempts.
    return " ".join(d.isoformat() for d in found)


def parse_birth_date(answer: str) -> date | None:
    """A past date written by a person: '12/04/1981', '1981-04-12', '12 avril 1981'."""
    value = dateparser.parse(answer.strip(), languages=["fr", "en"], settings=_BIRTH_DATE_SETTINGS)
    return value.date() if value else None


def hash_answer(kind: str, answer: str) -> str:
    canon = normalise_answer(kind, answer)
    if canon is None:
        raise ValueError(f"not a valid {kind}: cannot store this identity answer")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(canon.encode(), salt=salt, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def check_answer(kind: str, answer: str, stored: str) -> bool:
    canon = typed_answer(kind, answer)
    return canon is not None and matches_stored(canon, stored)


def matches_stored(canon: str, stored: str) -> bool:
    """Constant-time comparison of an answer already made canonical by `typed_answer`."""
    try:
        scheme, salt_b64, digest_b64 = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(canon.encode(), salt=base64.b64decode(salt_b64), **_SCRYPT)
    return hmac.compare_digest(digest, base64.b64decode(digest_b64))
