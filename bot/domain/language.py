"""Which language a conversation runs in: the debtor record first, else the first words."""

from __future__ import annotations

from bot.domain.texts import Language

MIN_WORDS_TO_DETECT = 3


def detect_language(text: str) -> Language | None:
    """'fr' or 'en' when the text is long enough to tell, else None (we ask in both)."""
    if len(text.split()) < MIN_WORDS_TO_DETECT or text.startswith("/"):
        return None
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0  # deterministic answers
    try:
        for guess in detect_langs(text):
            if guess.lang in ("fr", "en") and guess.prob >= 0.6:
                return "fr" if guess.lang == "fr" else "en"
    except LangDetectException:
        return None
    return None


def as_language(value: object) -> Language | None:
    if value == "fr":
        return "fr"
    if value == "en":
        return "en"
    return None
