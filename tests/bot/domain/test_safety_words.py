"""Identity challenge, HUMAN/STOP keywords and signed links."""

from __future__ import annotations

import re

import pytest

from bot.domain import identity
from bot.domain.keywords import keyword_intent
from bot.domain.links import InvalidLink, LinkSigner


@pytest.mark.parametrize(
    ("kind", "stored", "typed", "ok"),
    [
        ("postcode", "75011", "75011", True),
        ("postcode", "75011", " 75 011 ", True),
        ("postcode", "SW1A 1AA", "sw1a1aa", True),
        ("postcode", "75011", "75012", False),
        ("postcode", "75011", "mon code postal c'est le 75011 merci", True),
        ("postcode", "H2X 1Y4", "my postal code is H2X 1Y4 thanks", True),
        ("postcode", "1012 AB", "1012AB", True),
        ("postcode", "75011", "75011 75012 75013 75014", False),
        ("postcode", "75011", "bonjour", False),
        ("birth_date", "12/04/1981", "12/04/1981", True),
        ("birth_date", "12/04/1981", "1981-04-12", True),
        ("birth_date", "12/04/1981", "12 avril 1981", True),
        ("birth_date", "12/04/1981", "12 April 1981", True),
        ("birth_date", "12/04/1981", "04/12/1981", False),
        ("birth_date", "12/04/1981", "hello", False),
        ("birth_date", "12/04/1981", "I was born on 12 April 1981", True),
        ("birth_date", "12/04/1981", "je suis né le 12/04/1981, voilà", True),
        ("birth_date", "12/04/1981", "12/04/1981 ou 13/04/1981", False),
    ],
)
def test_identity_answers_match_whatever_the_typing(
    kind: str, stored: str, typed: str, ok: bool
) -> None:
    assert identity.check_answer(kind, typed, identity.hash_answer(kind, stored)) is ok


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("postcode", "bonjour"),
        ("postcode", "why do you need that?"),
        ("postcode", "   "),
        ("birth_date", "hello"),
        ("birth_date", "je sais plus"),
        ("birth_date", "I lost my job last month, I could pay about 50 euros a month"),
        ("birth_date", "yesterday"),
    ],
)
def test_a_message_without_an_answer_is_not_an_attempt(kind: str, message: str) -> None:
    assert identity.typed_answer(kind, message) is None


def test_several_postcodes_in_one_message_are_one_attempt_not_several() -> None:
    assert identity.typed_answer("postcode", "75011 75012 75013") == "750117501275013"


def test_identity_hash_is_salted() -> None:
    assert identity.hash_answer("postcode", "75011") != identity.hash_answer("postcode", "75011")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("HUMAIN", "request_human"),
        ("humain", "request_human"),
        ("Human please", "request_human"),
        ("je veux un HUMAIN", "request_human"),
        ("CONSEILLER svp", "request_human"),
        ("STOP", "stop_contact"),
        ("stop", "stop_contact"),
        ("Arrêt", "stop_contact"),
        ("UNSUBSCRIBE", "stop_contact"),
        ("stop sending me the wrong invoice", None),
        ("un humain comme vous", None),
        ("bonjour", None),
        ("", None),
    ],
)
def test_keywords_work_in_any_state(text: str, intent: str | None) -> None:
    assert keyword_intent(text) == intent


def test_links_verify_and_expire() -> None:
    signer = LinkSigner("s" * 32, ttl_seconds=60)
    token = signer.sign(42, now=1_000_000)
    assert signer.verify(token, now=1_000_030).debt_id == 42
    with pytest.raises(InvalidLink, match="signature"):
        LinkSigner("other-secret" * 3, 60).verify(token, now=1_000_030)
    with pytest.raises(InvalidLink, match="signature"):
        signer.verify(token[:-2] + ("xx" if not token.endswith("xx") else "yy"), now=1_000_030)
    with pytest.raises(InvalidLink, match="signature"):
        signer.verify("é" * len(token), now=1_000_030)
    with pytest.raises(InvalidLink, match="expired"):
        signer.verify(token, now=1_000_061)


def test_link_tokens_fit_a_telegram_start_parameter() -> None:
    """Telegram deep links accept 1-64 characters of A-Z, a-z, 0-9, _ and -."""
    signer = LinkSigner("s" * 32, ttl_seconds=72 * 3600)
    for debt_id in (1, 99_999, 2**32 - 1):
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", signer.sign(debt_id))
