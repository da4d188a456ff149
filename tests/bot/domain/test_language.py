"""The conversation's language: from the record, else from the debtor's first real words."""

from __future__ import annotations

import pytest

from bot.domain.language import detect_language
from bot.domain.texts import render


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, je n'ai pas reçu la facture du mois dernier", "fr"),
        ("jpeux pas payer ce mois ci dsl", "fr"),
        ("Hello, I never received the invoice for last month", "en"),
        ("sorry cant pay this month, lost my job", "en"),
        ("75011", None),
        ("ok", None),
        ("/affirm", None),
    ],
)
def test_language_is_detected_only_from_enough_words(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_unknown_language_gets_both_versions_french_first() -> None:
    both = render("opening", None, creditor="Lumen")
    assert both.index("Bonjour") < both.index("Hello")
