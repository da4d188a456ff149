"""Signed, expiring debtor links: the only way into a conversation about a debt.

One token format serves the web link (``/?t=<token>``) and the Telegram deep link
(``https://t.me/<bot>?start=<token>``). Telegram allows only ``A-Z a-z 0-9 _ -`` and 64
characters in a start parameter, which rules out itsdangerous's dotted tokens; so the token is
the URL-safe base64 of (debt id, expiry) followed by a truncated HMAC-SHA256 of it: 38 chars.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import time
from dataclasses import dataclass

_SALT = b"ecoute.debtor-link.v2"
_BODY = struct.Struct(">IQ")  # debt id, expiry (unix seconds)
_BODY_CHARS = 16  # base64 of 12 bytes, unpadded
_MAC_BYTES = 16  # 128-bit tag: forging one is out of reach


class InvalidLink(Exception):
    """The token is forged, damaged or expired; the message says which, for the logs."""


@dataclass(frozen=True)
class LinkClaims:
    debt_id: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._key = hashlib.sha256(_SALT + secret.encode("utf-8")).digest()
        self._ttl = ttl_seconds

    def sign(self, debt_id: int, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + self._ttl)
        body = _b64(_BODY.pack(debt_id, expires))
        return body + _b64(self._mac(body))

    def verify(self, token: str, now: float | None = None) -> LinkClaims:
        body, tag = token[:_BODY_CHARS], token[_BODY_CHARS:]
        try:
            valid = hmac.compare_digest(_unb64(tag), self._mac(body))
        except (binascii.Error, ValueError):
            valid = False
        if not valid or len(body) != _BODY_CHARS:
            raise InvalidLink("link signature invalid")
        try:
            debt_id, expires = _BODY.unpack(_unb64(body))
        except (binascii.Error, struct.error) as exc:
            raise InvalidLink("link payload malformed") from exc
        if (time.time() if now is None else now) > expires:
            raise InvalidLink("link expired")
        return LinkClaims(debt_id=debt_id)

    def _mac(self, body: str) -> bytes:
        return hmac.new(self._key, body.encode("ascii"), hashlib.sha256).digest()[:_MAC_BYTES]
