"""Signed, expiring debtor links: the only way into a conversation about a debt."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_SALT = "ecoute.debtor-link.v1"


class InvalidLink(Exception):
    """The token is forged, damaged or expired; the message says which, for the logs."""


@dataclass(frozen=True)
class LinkClaims:
    debt_id: int


class LinkSigner:
    def __init__(self, secret: str, ttl_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._ttl = ttl_seconds

    def sign(self, debt_id: int) -> str:
        return str(self._serializer.dumps({"debt": debt_id}))

    def verify(self, token: str) -> LinkClaims:
        try:
            data = self._serializer.loads(token, max_age=self._ttl)
        except SignatureExpired as exc:
            raise InvalidLink("link expired") from exc
        except BadSignature as exc:
            raise InvalidLink("link signature invalid") from exc
        if not isinstance(data, dict) or not isinstance(data.get("debt"), int):
            raise InvalidLink("link payload malformed")
        return LinkClaims(debt_id=data["debt"])
