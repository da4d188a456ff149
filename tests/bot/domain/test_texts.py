"""The text catalogue: both languages everywhere, no shouting, every exit spelled out."""

from __future__ import annotations

import re
import string

import pytest

from bot.domain.texts import INTENT_LABELS, PARAPHRASES, REASONS, TEXTS

ALL = {
    **{f"text:{k}": v for k, v in TEXTS.items()},
    **{f"paraphrase:{k}": v for k, v in PARAPHRASES.items()},
    **{f"reason:{k}": v for k, v in REASONS.items()},
    **{f"label:{k}": v for k, v in INTENT_LABELS.items()},
}
THREATS = (
    "huissier",
    "bailiff",
    "tribunal",
    "court",
    "police",
    "saisie",
    "seize",
    "dernier avis",
    "final notice",
    "poursuites",
    "prosecut",
    "arrest",
    "avocat",
    "lawyer",
)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(ALL))
def test_every_text_exists_in_both_languages_with_the_same_placeholders(key: str) -> None:
    variants = ALL[key]
    assert set(variants) == {"fr", "en"}
    assert placeholders(variants["fr"]) == placeholders(variants["en"])


@pytest.mark.parametrize("key", sorted(ALL))
def test_no_exclamation_mark_and_no_threatening_word(key: str) -> None:
    for text in ALL[key].values():
        assert "!" not in text
        assert not any(word in text.lower() for word in THREATS), text


def test_french_uses_vouvoiement() -> None:
    for key, variants in ALL.items():
        assert not re.search(r"\b(tu|toi|ton|ta|tes|t')\b", variants["fr"], re.I), key


@pytest.mark.parametrize("key", ["opening", "goodbye", "plan_accepted", "opted_out"])
def test_closing_and_opening_messages_say_how_to_reach_a_person(key: str) -> None:
    assert any(w in TEXTS[key]["fr"] for w in ("HUMAIN", "écrivez-nous"))
    assert any(w in TEXTS[key]["en"] for w in ("HUMAN", "write to us"))


def test_opening_discloses_the_bot_and_reveals_no_debt() -> None:
    for lang, text in TEXTS["opening"].items():
        assert ("automatisé" if lang == "fr" else "automated") in text
        assert placeholders(text) == {"creditor"}
        assert not re.search(r"factur|invoice|\d|€", text)
